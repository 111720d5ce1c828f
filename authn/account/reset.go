package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// RequestPasswordReset issues a password-reset token for the account of
// email, to be sent to that address. The token is bound to the current
// password, so it dies once the password changes, and it is single use. For
// an unknown email it returns an error matching users.ErrNotFound: answer the client the same
// way in both cases, or the endpoint tells who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string) (purpose.Token, error) {
	if s.cfg.PasswordResets == nil {
		return purpose.Token{}, fmt.Errorf("%w: password resets", ErrNotConfigured)
	}
	user, err := s.cfg.Users.GetByEmail(ctx, email)
	if err != nil {
		return purpose.Token{}, err
	}
	fingerprint, err := s.cfg.Users.PasswordFingerprint(ctx, user.ID)
	if err != nil {
		return purpose.Token{}, err
	}
	return s.cfg.PasswordResets.Issue(ctx, user.ID, fingerprint)
}

// ResetPassword sets a new password with a reset token and revokes every
// credential the user held, since whoever forced a reset may hold some. The
// new password is checked first (users.Directory.CheckNewPassword, breached
// passwords included), so a refused one does not spend the token.
func (s *Service) ResetPassword(ctx context.Context, resetToken, newPassword string) error {
	if s.cfg.PasswordResets == nil {
		return fmt.Errorf("%w: password resets", ErrNotConfigured)
	}
	if err := s.cfg.Users.CheckNewPassword(ctx, newPassword); err != nil {
		return err
	}
	userID, err := s.cfg.PasswordResets.Consume(ctx, resetToken, s.passwordFingerprint)
	if err != nil {
		return err
	}
	if err := s.cfg.Users.SetPassword(ctx, userID, newPassword); err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, EventPasswordReset, "user", userID)
	return s.RevokeAll(ctx, userID)
}

// RequestEmailVerification issues an email-verification token for userID,
// bound to the user's current email address.
func (s *Service) RequestEmailVerification(ctx context.Context, userID string) (purpose.Token, error) {
	if s.cfg.EmailVerifications == nil {
		return purpose.Token{}, fmt.Errorf("%w: email verification", ErrNotConfigured)
	}
	user, err := s.cfg.Users.Get(ctx, userID)
	if err != nil {
		return purpose.Token{}, err
	}
	if user.Email == "" {
		return purpose.Token{}, ErrNoEmail
	}
	return s.cfg.EmailVerifications.Issue(ctx, user.ID, user.Email)
}

// VerifyEmail spends an email-verification token and marks the address
// verified; it returns the user id.
func (s *Service) VerifyEmail(ctx context.Context, verificationToken string) (string, error) {
	if s.cfg.EmailVerifications == nil {
		return "", fmt.Errorf("%w: email verification", ErrNotConfigured)
	}
	userID, err := s.cfg.EmailVerifications.Consume(ctx, verificationToken, s.currentEmail)
	if err != nil {
		return "", err
	}
	return userID, s.cfg.Users.MarkEmailVerified(ctx, userID)
}

// passwordFingerprint is the value reset tokens are bound to. A user who
// no longer exists has none, so that no token matches; any other error is
// the database's, and fails the check without calling the token bad.
func (s *Service) passwordFingerprint(ctx context.Context, userID string) (string, error) {
	fingerprint, err := s.cfg.Users.PasswordFingerprint(ctx, userID)
	if errors.Is(err, users.ErrNotFound) {
		return "", nil
	}
	return fingerprint, err
}

// currentEmail is the value verification tokens are bound to, with the
// same treatment of a missing user as passwordFingerprint.
func (s *Service) currentEmail(ctx context.Context, userID string) (string, error) {
	user, err := s.cfg.Users.Get(ctx, userID)
	switch {
	case errors.Is(err, users.ErrNotFound):
		return "", nil
	case err != nil:
		return "", err
	}
	return user.Email, nil
}
