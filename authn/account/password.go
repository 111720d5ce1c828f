package account

import (
	"context"
	"fmt"
	"log/slog"
)

// ChangePassword sets a new password for userID after checking the current
// one (OWASP ASVS V2.1.6), then ends every credential the user holds, the
// one making the request included (V3.3.3): whoever learned the old
// password may hold some, and the client logs in again with the new one.
//
// The current password is checked like a login, throttle included, so that
// a stolen session cannot be used to guess it: a wrong one fails with an
// error matching authn.ErrInvalidCredentials and counts as a failed login,
// and too many fail with a *authn.ThrottledError. The new password's
// rules are checked first (users.Directory.CheckPassword), so a weak one is
// refused without spending an attempt; the breached-password check, which
// may ask a remote service, is made once, by SetPassword, after the current
// password is known to be right. Nothing changes unless every check passes.
// address is the client's address ("" when unknown).
func (s *Service) ChangePassword(ctx context.Context, userID, currentPassword, newPassword, address string) error {
	user, err := s.cfg.Users.Get(ctx, userID)
	if err != nil {
		return err
	}
	if err := s.cfg.Users.CheckPassword(newPassword); err != nil {
		return err
	}
	if _, err := s.checkPassword(ctx, user.Email, currentPassword, address); err != nil {
		return err
	}
	if err := s.cfg.Users.SetPassword(ctx, userID, newPassword); err != nil {
		return err
	}
	if err := s.RevokeAll(ctx, userID); err != nil {
		return fmt.Errorf("account: password changed, but the old credentials could not all be revoked: %w", err)
	}
	s.event(ctx, slog.LevelInfo, EventPasswordChanged, "user", userID)
	return nil
}
