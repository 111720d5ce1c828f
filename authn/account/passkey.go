package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// PasskeyLogins finish passkey-first logins, where the passkey alone
// proves who the user is (authn/passkey's Passkeys, whose BeginLogin
// starts them). FinishLogin returns the user the passkey belongs to and
// the methods the assertion proved (authn.AMRHardwareKey or
// authn.AMRSoftwareKey, with authn.AMRMultiFactor when the authenticator
// verified the user), or an error matching authn.ErrInvalidCredentials.
type PasskeyLogins interface {
	FinishLogin(ctx context.Context, ceremonyID string, response []byte) (userID string, amr []string, err error)
}

// LoginWithPasskey issues a token pair to the user whose passkey answered
// the login ceremony ceremonyID with response (the browser's
// PublicKeyCredential, as JSON). Its access tokens carry the methods the
// passkey proved: a user-verified passkey is a login with two factors
// (authn.ACRMultiFactor) by itself. A refused assertion fails with an
// error matching authn.ErrInvalidCredentials, a locked account with
// users.ErrLocked. Assertions cannot be guessed, so nothing is throttled.
func (s *Service) LoginWithPasskey(ctx context.Context, ceremonyID string, response []byte) (TokenPair, error) {
	if err := s.cfg.Revocations.Err(); err != nil {
		return TokenPair{}, err
	}
	userID, amr, err := s.passkeyUser(ctx, ceremonyID, response)
	if err != nil {
		return TokenPair{}, err
	}
	pair, err := s.loginPair(ctx, userID, amr)
	if err == nil {
		s.loggedIn(ctx, userID, "", amr)
	}
	return pair, err
}

// SessionWithPasskey is LoginWithPasskey for a cookie session, destroying
// the one previousCookie names, as StartSession does.
func (s *Service) SessionWithPasskey(ctx context.Context, ceremonyID string, response []byte, previousCookie string) (session.Session, error) {
	if s.cfg.Sessions == nil {
		return session.Session{}, fmt.Errorf("%w: sessions", ErrNotConfigured)
	}
	userID, amr, err := s.passkeyUser(ctx, ceremonyID, response)
	if err != nil {
		return session.Session{}, err
	}
	return s.startSession(ctx, userID, "", previousCookie, amr)
}

// passkeyUser finishes a passkey-first login and returns its user, who
// must exist and not be locked, and its methods.
func (s *Service) passkeyUser(ctx context.Context, ceremonyID string, response []byte) (string, []string, error) {
	if s.cfg.Passkeys == nil {
		return "", nil, fmt.Errorf("%w: passkeys", ErrNotConfigured)
	}
	userID, amr, err := s.cfg.Passkeys.FinishLogin(ctx, ceremonyID, response)
	if err != nil {
		if errors.Is(err, authn.ErrInvalidCredentials) {
			s.event(ctx, slog.LevelWarn, EventLoginFailed, "method", "passkey")
		}
		return "", nil, fmt.Errorf("account: passkey login: %w", err)
	}
	if !authn.ValidAMR(amr) || len(amr) == 0 {
		return "", nil, fmt.Errorf("account: passkey login proved methods %q", amr)
	}
	user, err := s.cfg.Users.Get(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if user.Locked() {
		return "", nil, fmt.Errorf("account: passkey login of %s: %w", userID, users.ErrLocked)
	}
	return userID, amr, nil
}
