package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/users"
)

// Config names the parts a Service composes. Users, Tokens, Revocations,
// Refresh and Throttle are required; the others switch on the flows that
// need them. Build Tokens with the same Revocations (token.Config), so that
// a logout here is what verification consults. While the Revocations know
// they cannot answer (Revocations.Err: a gormstore.Store that lost its
// peers or its database), the token flows fail closed: Login and Refresh
// refuse, before spending anything, with an error matching
// authn.ErrUnavailable, as bearer tokens do in Authenticator.
type Config struct {
	Users       *users.Directory
	Tokens      *token.Issuer
	Revocations token.Revocations
	Refresh     *refresh.Tokens
	Throttle    *throttle.Limiter
	// APIKeys, when set, authenticate X-API-Key requests and are revoked
	// with everything else a user holds.
	APIKeys *apikey.Keys
	// Sessions, when set, enables StartSession and cookie authentication.
	Sessions *session.Manager
	// PasswordResets, when set, enables RequestPasswordReset and
	// ResetPassword. Give it its own key.
	PasswordResets *purpose.Tokens
	// EmailVerifications, when set, enables RequestEmailVerification and
	// VerifyEmail. Give it its own key.
	EmailVerifications *purpose.Tokens
	// Registrations, when set, enables SignUp, the registration that does
	// not reveal whether an email has an account, and is told what SignUp
	// did so that it can tell the address's owner.
	Registrations RegistrationNotifier
	// SecondFactors are the kinds of second factor users may set up. A
	// user who has set up one (a primary one: see Factor.Backup) logs in
	// in two steps: the password yields a *MFARequiredError, and
	// CompleteLogin or CompleteSession a credential.
	SecondFactors []Factor
	// MFATokens issues the MFA tokens between the two steps: purpose
	// tokens of their own key, short-lived (5 minutes is plenty), bound to
	// the password. Required with SecondFactors.
	MFATokens *purpose.Tokens
	// Passkeys, when set, enables LoginWithPasskey and SessionWithPasskey:
	// logins with a passkey alone (authn/passkey's Passkeys).
	Passkeys PasskeyLogins
	// Logger records security events (throttling, reuse, revocations) with
	// user ids only, never credentials. Nil discards them.
	Logger *slog.Logger
	// Events, when set, hears every security event too, to count them.
	// Default none.
	Events EventObserver
}

// Errors of this package, matched with errors.Is.
var (
	// ErrNotConfigured reports a flow whose part was not given in Config.
	ErrNotConfigured = errors.New("account: flow not configured")
	// ErrNoEmail reports a flow that needs the user's email address for a
	// user who has none: one created from an external identity whose
	// provider gave no verified email.
	ErrNoEmail = errors.New("account: the user has no email address")
)

// Service runs the account flows. It is safe for concurrent use.
type Service struct {
	cfg Config
	log *slog.Logger
}

// New checks cfg and returns a Service.
func New(cfg Config) (*Service, error) {
	switch {
	case cfg.Users == nil:
		return nil, errors.New("account: Config.Users is required")
	case cfg.Tokens == nil:
		return nil, errors.New("account: Config.Tokens is required")
	case cfg.Revocations == nil:
		return nil, errors.New("account: Config.Revocations is required, or logout could not revoke access tokens")
	case cfg.Refresh == nil:
		return nil, errors.New("account: Config.Refresh is required")
	case cfg.Throttle == nil:
		return nil, errors.New("account: Config.Throttle is required, or passwords could be guessed without limit")
	}
	if err := checkFactors(cfg); err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{cfg: cfg, log: log}, nil
}

// TokenPair is what a login or a refresh hands the client.
type TokenPair struct {
	// AccessToken authenticates requests as "Authorization: Bearer …".
	AccessToken authn.Secret
	// RefreshToken obtains the next pair, once.
	RefreshToken authn.Secret
	// TokenType is "Bearer".
	TokenType string
	// ExpiresIn is how long the access token lives.
	ExpiresIn time.Duration
	// Subject is the user the tokens belong to.
	Subject string
}

// Authenticator returns the chain a request is authenticated with: bearer
// token first, then API key and session cookie when configured. A request
// presenting a bad credential of any kind is rejected, not passed over.
func (s *Service) Authenticator() authn.Chain {
	chain := authn.Chain{s.cfg.Tokens.Authenticator()}
	if s.cfg.APIKeys != nil {
		chain = append(chain, s.cfg.APIKeys.Authenticator())
	}
	if s.cfg.Sessions != nil {
		chain = append(chain, s.cfg.Sessions)
	}
	return chain
}

// checkPassword is the throttled password check every login flow shares.
// address is the client's address, with or without a port ("" when
// unknown). The attempt is reserved with the throttle before the password
// is looked at, so a throttled account is refused even with the right
// password, and of attempts racing on one account no more than the limit
// check a password.
//
// An email no account can have (users.NormalizeEmail refuses it) fails
// with the very error of a wrong password, after the same hashing work
// (users.Directory.Authenticate), and is counted like one: against the
// client's address, and against a digest of the input, so that malformed
// emails cannot buy a client more password hashing than wrong passwords
// can. An address that is not an IP fails like a wrong password too,
// without its password being checked: it is the caller's input, and must
// not become a server error (503) or slip past the per-address count.
func (s *Service) checkPassword(ctx context.Context, email, password, address string) (users.User, error) {
	account, err := users.NormalizeEmail(email)
	if err != nil {
		account = malformedAccount(email)
	}
	attempt, err := s.cfg.Throttle.Reserve(ctx, account, address)
	switch {
	case errors.Is(err, authn.ErrThrottled):
		s.event(ctx, slog.LevelWarn, EventLoginThrottled, "address", address)
		return users.User{}, err
	case errors.Is(err, throttle.ErrInvalidAddress):
		return users.User{}, fmt.Errorf("account: login refused: %w: %w", authn.ErrInvalidCredentials, err)
	case err != nil:
		return users.User{}, fmt.Errorf("account: reserve login attempt: %w", err)
	}
	user, err := s.cfg.Users.Authenticate(ctx, email, password)
	switch {
	case err == nil:
		if err := attempt.Succeeded(ctx); err != nil {
			return users.User{}, fmt.Errorf("account: reset login throttle: %w", err)
		}
		return user, nil
	case errors.Is(err, authn.ErrInvalidCredentials):
		s.event(ctx, slog.LevelWarn, EventLoginFailed, "method", authn.AMRPassword, "address", address)
		if recErr := attempt.Failed(ctx); recErr != nil {
			return users.User{}, fmt.Errorf("account: record failed login: %w", recErr)
		}
		return users.User{}, err
	}
	// The user store did not answer, so no password was checked: the
	// attempt is withdrawn. If even that fails, it stays counted as a
	// failure, the safe side.
	return users.User{}, errors.Join(err, attempt.Cancel(context.WithoutCancel(ctx)))
}

// malformedAccount is the throttle's key for an email no account can
// have: a digest, since the input may be of any length or bytes.
func malformedAccount(email string) string {
	digest := sha256.Sum256([]byte(email))
	return "malformed:" + hex.EncodeToString(digest[:16])
}

// Login checks email and password and issues a token pair. Unknown email
// and wrong password fail alike, with an error matching
// authn.ErrInvalidCredentials, and so do an email no account can have and
// an address that is not an IP; too many failures fail with a
// *authn.ThrottledError. address is the client's IP address, with or
// without a port: http.Request.RemoteAddr as it stands, or, behind a
// reverse proxy, guard.ClientAddress of package adapters/guard; "" when
// unknown, which counts failures against the account alone. A database
// that does not answer, or revocations that cannot be kept current, fail
// it with an error matching neither, so that it is not taken for a wrong
// password.
//
// For an account with a second factor (Config.SecondFactors), a right
// password issues nothing: the error is a *MFARequiredError (matching
// ErrMFARequired, and no refusal) whose MFA token CompleteLogin
// exchanges, with a proof of the factor, for the pair. The access tokens
// of a password alone carry amr ["pwd"], assurance authn.ACRSingleFactor.
func (s *Service) Login(ctx context.Context, email, password, address string) (TokenPair, error) {
	// No access token can be issued while revocations are unavailable;
	// finding out first spares the user a refresh family never handed out.
	if err := s.cfg.Revocations.Err(); err != nil {
		return TokenPair{}, err
	}
	user, err := s.checkPassword(ctx, email, password, address)
	if err != nil {
		return TokenPair{}, err
	}
	if err := s.requireSecondFactor(ctx, user.ID); err != nil {
		return TokenPair{}, err
	}
	pair, err := s.loginPair(ctx, user.ID, []string{authn.AMRPassword})
	if err == nil {
		s.loggedIn(ctx, user.ID, address, []string{authn.AMRPassword})
	}
	return pair, err
}

// loggedIn logs the security event of a login of userID that used amr.
func (s *Service) loggedIn(ctx context.Context, userID, address string, amr []string) {
	s.event(ctx, slog.LevelInfo, EventLoginSucceeded, "user", userID, "amr", amr, "address", address)
}

// pair issues an access token to go with a refresh token, stamped with the
// time and the methods of the family's login, so that a refreshed token
// still tells how old the login is (authn.Subject.RequireRecentLogin) and
// whether it had a second factor (authn.Subject.RequireMFA), and with the
// family, so that it dies with it (revokeFamily).
func (s *Service) pair(ctx context.Context, rt refresh.Token) (TokenPair, error) {
	at, err := s.cfg.Tokens.Issue(ctx, rt.Subject, token.AuthTime(rt.LoginAt), token.Family(rt.FamilyID),
		token.Methods(rt.Methods...))
	if err != nil {
		return TokenPair{}, err
	}
	return TokenPair{
		AccessToken:  at.Value,
		RefreshToken: rt.Value,
		TokenType:    "Bearer",
		ExpiresIn:    at.ExpiresAt.Sub(at.IssuedAt),
		Subject:      rt.Subject,
	}, nil
}

// Refresh exchanges a refresh token for a new pair; the presented token is
// dead afterwards. A token presented twice revokes its whole family
// (authn.ErrTokenReused), and every access token issued with it: whoever
// stole the token may hold them too. Should the access tokens' revocation
// fail, the error says so and matches no authn rejection. Of refreshes
// racing with one token at most one succeeds: the others are reuse, and
// when their revocation of the family comes before the winner has checked
// its new token, the winner fails too (authn.ErrTokenRevoked), rather than
// hand out a pair whose refresh token is dead. The user must still exist
// and not be locked, or the family is revoked. When the user cannot be
// looked up, the error says so and matches no authn rejection: the account
// can be vouched for neither way.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (TokenPair, error) {
	// Checked before the token is spent: once rotated, a token whose pair
	// cannot be completed is lost to its client.
	if err := s.cfg.Revocations.Err(); err != nil {
		return TokenPair{}, err
	}
	rt, err := s.cfg.Refresh.Rotate(ctx, refreshToken)
	var reuse *refresh.ReuseError
	if errors.As(err, &reuse) {
		if revokeErr := s.revokeFamily(ctx, reuse.FamilyID, reuse.Subject); revokeErr != nil {
			return TokenPair{}, revokeErr
		}
	}
	if err != nil {
		return TokenPair{}, err
	}
	user, err := s.cfg.Users.Get(ctx, rt.Subject)
	switch {
	case errors.Is(err, users.ErrNotFound), err == nil && user.LockedAt != nil:
		if revokeErr := s.cfg.Refresh.RevokeFamily(ctx, rt.FamilyID); revokeErr != nil {
			return TokenPair{}, revokeErr
		}
		if revokeErr := s.revokeFamily(ctx, rt.FamilyID, rt.Subject); revokeErr != nil {
			return TokenPair{}, revokeErr
		}
		return TokenPair{}, fmt.Errorf("account: refresh for an unusable account: %w", authn.ErrTokenRevoked)
	case err != nil:
		// A database failure says nothing about the account: revoking the
		// family for it would log the user out for the database's fault.
		return TokenPair{}, fmt.Errorf("account: refresh: %w", err)
	}
	pair, err := s.pair(ctx, rt)
	if err != nil {
		return TokenPair{}, err
	}
	// A RevokeAll racing this refresh revokes the family before it raises
	// the subject's generation. The access token was stamped with the
	// generation read after the rotation; if that was already the raised
	// one, the family is revoked by now, and the pair is withheld: handed
	// out, its access token would outlive the RevokeAll.
	if _, err := s.cfg.Refresh.Check(ctx, rt.Value.Reveal()); err != nil {
		return TokenPair{}, fmt.Errorf("account: refresh raced a revocation: %w", err)
	}
	return pair, nil
}

// Logout revokes the access token that authenticated the request (subject
// must come from a bearer token) and, when refreshToken is not "", the
// refresh family it belongs to, which must be the same user's, with every
// access token issued with the family.
func (s *Service) Logout(ctx context.Context, subject authn.Subject, refreshToken string) error {
	if subject.Method != authn.MethodBearer || subject.CredentialID == "" {
		return fmt.Errorf("account: logout needs a bearer token's subject: %w", authn.ErrInvalidToken)
	}
	if refreshToken != "" {
		rt, err := s.cfg.Refresh.Revoke(ctx, refreshToken)
		if err != nil {
			return err
		}
		if err := s.revokeFamily(ctx, rt.FamilyID, rt.Subject); err != nil {
			return err
		}
		if rt.Subject != subject.ID {
			// The family is revoked all the same: a token presented by
			// somebody else is a stolen one.
			return fmt.Errorf("account: refresh token of another user: %w", authn.ErrInvalidToken)
		}
	}
	if err := s.cfg.Revocations.RevokeToken(ctx, subject.CredentialID, subject.ID, subject.ExpiresAt); err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, EventLogout, "user", subject.ID, "token_id", subject.CredentialID)
	return nil
}

// RevokeFamilyOf ends one login of userID: the refresh family familyID
// (refresh.Tokens.RevokeFamilyOf; list them with refresh.Tokens.Families)
// and every access token issued with it, as when a user logs out another
// device. A family that is not userID's fails with refresh.ErrFamilyNotFound
// and revokes nothing.
func (s *Service) RevokeFamilyOf(ctx context.Context, userID, familyID string) error {
	if err := s.cfg.Refresh.RevokeFamilyOf(ctx, userID, familyID); err != nil {
		return err
	}
	return s.revokeFamily(ctx, familyID, userID)
}

// revokeFamily revokes the access tokens issued with a refresh family that
// has just been revoked, until the last of them would have expired: the
// family obtains no more, so none expires after LatestExpiry.
func (s *Service) revokeFamily(ctx context.Context, familyID, subject string) error {
	if err := s.cfg.Revocations.RevokeFamily(ctx, familyID, subject, s.cfg.Tokens.LatestExpiry()); err != nil {
		return fmt.Errorf("account: revoke the access tokens of family %s: %w", familyID, err)
	}
	s.event(ctx, slog.LevelInfo, EventFamilyRevoked, "user", subject, "family_id", familyID)
	return nil
}

// StartSession checks email and password like Login and starts a cookie
// session instead of issuing tokens. previousCookie is the session cookie
// the request carried ("" if none): it is destroyed, so a session id planted
// before login is worthless after it. The session says it began with a
// password (authn.AMRPassword), so its requests are aal1. For an account
// with a second factor a right password starts nothing: the error is a
// *MFARequiredError, as Login's, for CompleteSession.
func (s *Service) StartSession(ctx context.Context, email, password, address, previousCookie string) (session.Session, error) {
	if s.cfg.Sessions == nil {
		return session.Session{}, fmt.Errorf("%w: sessions", ErrNotConfigured)
	}
	user, err := s.checkPassword(ctx, email, password, address)
	if err != nil {
		return session.Session{}, err
	}
	if err := s.requireSecondFactor(ctx, user.ID); err != nil {
		return session.Session{}, err
	}
	return s.startSession(ctx, user.ID, address, previousCookie, []string{authn.AMRPassword})
}

// startSession starts a session of userID for a login that used amr,
// and logs the security events of the login and the session.
func (s *Service) startSession(ctx context.Context, userID, address, previousCookie string, amr []string) (session.Session, error) {
	sess, err := s.cfg.Sessions.Create(ctx, userID, previousCookie, amr...)
	if err != nil {
		return session.Session{}, err
	}
	s.loggedIn(ctx, userID, address, amr)
	s.event(ctx, slog.LevelInfo, EventSessionStarted, "user", userID, "session_id", sess.ID)
	return sess, nil
}

// EndSession destroys the session a cookie names.
func (s *Service) EndSession(ctx context.Context, cookie string) error {
	if s.cfg.Sessions == nil {
		return fmt.Errorf("%w: sessions", ErrNotConfigured)
	}
	if err := s.cfg.Sessions.Destroy(ctx, cookie); err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, EventSessionEnded)
	return nil
}

// RevokeAll ends every credential userID holds: access tokens issued so
// far, refresh families, sessions and API keys.
//
// A Refresh racing RevokeAll hands out nothing that outlives it. The
// refresh families are revoked first: a racing Refresh whose access token
// bears the generation RevokeAll raises finds its family revoked when it
// checks, and withholds the pair; one whose check found the family live
// read the generation before RevokeAll raised it, and its access token dies
// with the others.
func (s *Service) RevokeAll(ctx context.Context, userID string) error {
	if err := s.cfg.Refresh.RevokeSubject(ctx, userID); err != nil {
		return err
	}
	if err := s.cfg.Revocations.RevokeSubject(ctx, userID); err != nil {
		return err
	}
	if s.cfg.Sessions != nil {
		if err := s.cfg.Sessions.DestroySubject(ctx, userID); err != nil {
			return err
		}
	}
	if s.cfg.APIKeys != nil {
		if err := s.cfg.APIKeys.RevokeOwner(ctx, userID); err != nil {
			return err
		}
	}
	s.event(ctx, slog.LevelInfo, EventCredentialsRevoked, "user", userID)
	return nil
}

// LockUser locks an account and revokes everything it holds; its password
// stops working until it is unlocked.
func (s *Service) LockUser(ctx context.Context, userID string) error {
	if err := s.cfg.Users.SetLocked(ctx, userID, true); err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, EventUserLocked, "user", userID)
	return s.RevokeAll(ctx, userID)
}

// DeleteUser revokes everything userID holds, then deletes the account.
// Remove the user from the authorization policy too (authz RemoveSubject).
func (s *Service) DeleteUser(ctx context.Context, userID string) error {
	if _, err := s.cfg.Users.Get(ctx, userID); err != nil {
		return err
	}
	if err := s.RevokeAll(ctx, userID); err != nil {
		return err
	}
	if err := s.cfg.Users.Delete(ctx, userID); err != nil {
		return err
	}
	s.event(ctx, slog.LevelInfo, EventUserDeleted, "user", userID)
	return nil
}
