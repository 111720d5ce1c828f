package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Factor is one kind of second factor a user may have set up: TOTP
// (authn/totp), recovery codes (authn/recovery), passkeys. Its functions
// are usually the methods of the package that implements it:
//
//	account.Factor{Name: "totp", AMR: []string{authn.AMROTP}, Enabled: totps.Enabled, Verify: totps.Verify}
type Factor struct {
	// Name is how a client names the factor in the second step of a login
	// ("totp", "recovery_code"), and how MFARequiredError.Methods lists
	// it. Required, unique.
	Name string
	// AMR are the methods a proof of this factor adds to the login's
	// (authn.AMROTP, authn.AMRHardwareKey, …). Required.
	AMR []string
	// Backup factors (recovery codes) stand in for a lost primary one:
	// they are offered, and accepted, only to users who have a primary
	// factor, and a user with a backup factor alone logs in with a
	// password alone.
	Backup bool
	// Enabled reports whether the user has set the factor up.
	Enabled func(ctx context.Context, userID string) (bool, error)
	// Verify checks proof for the user, spending it when it is single use,
	// and returns an error matching authn.ErrInvalidCredentials when it is
	// wrong; any other error is a failure that proves nothing either way.
	// Set Verify or Prove.
	Verify func(ctx context.Context, userID, proof string) error
	// Prove is Verify for a factor whose methods depend on the proof (a
	// passkey is "hwk" or "swk"): it returns them, and AMR may be empty.
	Prove func(ctx context.Context, userID, proof string) (amr []string, err error)
	// Challenge, for a factor whose proof answers a challenge of the
	// server (a passkey signs one), starts a proof for the user and
	// returns what the client needs to make it, as JSON; the client asks
	// for it with ChallengeSecondFactor. Nil for factors that need none.
	Challenge func(ctx context.Context, userID string) (json.RawMessage, error)
}

// check checks proof with Verify or Prove, and returns the methods it
// proved.
func (f Factor) check(ctx context.Context, userID, proof string) ([]string, error) {
	if f.Prove != nil {
		amr, err := f.Prove(ctx, userID, proof)
		if err == nil && !authn.ValidAMR(amr) {
			err = fmt.Errorf("account: second factor %s proved methods %q", f.Name, amr)
		}
		return amr, err
	}
	return f.AMR, f.Verify(ctx, userID, proof)
}

// The names of the factors gatehouse ships, as account.Config.SecondFactors
// names them and the account API's second step reads them.
const (
	// FactorTOTP is a TOTP code (authn/totp).
	FactorTOTP = "totp"
	// FactorRecoveryCode is a recovery code (authn/recovery), a backup.
	FactorRecoveryCode = "recovery_code"
	// FactorPasskey is a passkey's assertion (authn/passkey), answering
	// the challenge of ChallengeSecondFactor.
	FactorPasskey = "passkey"
)

// Errors of the second step of a login, matched with errors.Is.
var (
	// ErrMFARequired: the password was right, and the account has a second
	// factor; the error is a *MFARequiredError with the MFA token the
	// second step exchanges. It matches neither authn.ErrInvalidCredentials
	// nor anything else: it is not a refusal.
	ErrMFARequired = errors.New("account: a second factor is required")
	// ErrInvalidSecondFactor: a proof of a second factor was wrong, spent
	// already, or of a factor the user does not have. It matches
	// authn.ErrInvalidCredentials.
	ErrInvalidSecondFactor = errkind.New("account: invalid second factor", authn.ErrInvalidCredentials)
)

// MFARequiredError is what a correct password yields for an account with
// a second factor: no credential, but a short-lived, single-use MFA token
// naming the user, for CompleteLogin or CompleteSession.
type MFARequiredError struct {
	// Token is the MFA token: hand it to the client, which sends it back
	// with a proof of one of Methods.
	Token authn.Secret
	// Methods are the Names of the factors the user may complete the login
	// with.
	Methods []string
	// ExpiresAt is when the token stops being accepted.
	ExpiresAt time.Time
}

// Error says that a second factor is required, and which ones.
func (e *MFARequiredError) Error() string {
	return fmt.Sprintf("%v: one of %v", ErrMFARequired, e.Methods)
}

// Is makes a *MFARequiredError match ErrMFARequired.
func (e *MFARequiredError) Is(target error) bool { return target == ErrMFARequired }

// HasSecondFactors reports whether users may set up a second factor
// (Config.SecondFactors), and so whether logins may take two steps.
func (s *Service) HasSecondFactors() bool { return len(s.cfg.SecondFactors) > 0 }

// mfaThrottleKey is the throttle's account key for second-factor
// attempts: counted apart from passwords, so that a right password does
// not reset the count of wrong codes.
func mfaThrottleKey(userID string) string { return "mfa:" + userID }

// secondFactors returns the Names of the factors userID may complete a
// login with: none when the user has no primary factor.
func (s *Service) secondFactors(ctx context.Context, userID string) ([]string, error) {
	var primary, backup []string
	for _, f := range s.cfg.SecondFactors {
		on, err := f.Enabled(ctx, userID)
		if err != nil {
			return nil, fmt.Errorf("account: second factor %s: %w", f.Name, err)
		}
		switch {
		case !on:
		case f.Backup:
			backup = append(backup, f.Name)
		default:
			primary = append(primary, f.Name)
		}
	}
	if len(primary) == 0 {
		return nil, nil
	}
	return append(primary, backup...), nil
}

// SecondFactors returns the Names of the factors userID may complete a
// login with, primary ones first: none when the user has no primary
// factor, and so logs in with a password alone.
func (s *Service) SecondFactors(ctx context.Context, userID string) ([]string, error) {
	return s.secondFactors(ctx, userID)
}

// ChallengeSecondFactor starts the proof of a factor that answers a
// challenge (Factor.Challenge: a passkey) for the second step of a login:
// it returns the challenge for the client, which answers it and sends the
// answer to CompleteLogin or CompleteSession with the same MFA token. The
// token is checked as they check it, and not spent. A method that is not
// one of the account's factors, or needs no challenge, fails with
// ErrInvalidSecondFactor.
func (s *Service) ChallengeSecondFactor(ctx context.Context, mfaToken, method string) (json.RawMessage, error) {
	if s.cfg.MFATokens == nil {
		return nil, fmt.Errorf("%w: second factors", ErrNotConfigured)
	}
	userID, err := s.cfg.MFATokens.Verify(ctx, mfaToken, s.passwordBinding)
	if err != nil {
		return nil, fmt.Errorf("account: MFA token: %w", err)
	}
	factor, err := s.offeredFactor(ctx, userID, method)
	if err != nil {
		return nil, err
	}
	if factor.Challenge == nil {
		return nil, fmt.Errorf("%w: %s needs no challenge", ErrInvalidSecondFactor, method)
	}
	challenge, err := factor.Challenge(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("account: second factor %s: %w", method, err)
	}
	return challenge, nil
}

// passwordBinding binds an MFA token to the password it was issued after.
func (s *Service) passwordBinding(ctx context.Context, userID string) (string, error) {
	return s.cfg.Users.PasswordFingerprint(ctx, userID)
}

// offeredFactor returns the factor named method if it is one userID may
// complete a login with.
func (s *Service) offeredFactor(ctx context.Context, userID, method string) (Factor, error) {
	i := slices.IndexFunc(s.cfg.SecondFactors, func(f Factor) bool { return f.Name == method })
	offered, err := s.secondFactors(ctx, userID)
	if err != nil {
		return Factor{}, err
	}
	if i < 0 || !slices.Contains(offered, method) {
		return Factor{}, fmt.Errorf("%w: %q is not a factor of this account", ErrInvalidSecondFactor, method)
	}
	return s.cfg.SecondFactors[i], nil
}

// requireSecondFactor returns a *MFARequiredError with a new MFA token
// when userID has a second factor, and nil when a password is all the
// user has.
func (s *Service) requireSecondFactor(ctx context.Context, userID string) error {
	methods, err := s.secondFactors(ctx, userID)
	if err != nil || len(methods) == 0 {
		return err
	}
	binding, err := s.cfg.Users.PasswordFingerprint(ctx, userID)
	if err != nil {
		return err
	}
	tok, err := s.cfg.MFATokens.Issue(ctx, userID, binding)
	if err != nil {
		return fmt.Errorf("account: issue an MFA token: %w", err)
	}
	s.event(ctx, slog.LevelInfo, EventMFARequired, "user", userID, "methods", methods)
	return &MFARequiredError{Token: tok.Value, Methods: methods, ExpiresAt: tok.ExpiresAt}
}

// CompleteLogin is the second step of a Login that failed with a
// *MFARequiredError: it exchanges the MFA token and a proof of one of the
// factors it named (a TOTP code, a recovery code, …) for the usual token
// pair, whose access tokens carry the password's and the factor's
// methods and authn.AMRMultiFactor (assurance authn.ACRMultiFactor).
//
// The MFA token must be valid, unexpired and unused, and the password it
// was issued after unchanged; otherwise the error matches
// authn.ErrInvalidToken (authn.ErrTokenRevoked once it was used). A wrong
// proof fails with ErrInvalidSecondFactor and leaves the token usable
// until it expires, for another try; wrong proofs are counted per account,
// apart from passwords, and too many fail with a *authn.ThrottledError,
// right proof or not. A locked account is refused. A store that does not
// answer fails it with an error matching none of these.
func (s *Service) CompleteLogin(ctx context.Context, mfaToken, method, proof, address string) (TokenPair, error) {
	if err := s.cfg.Revocations.Err(); err != nil {
		return TokenPair{}, err
	}
	userID, amr, err := s.checkSecondFactor(ctx, mfaToken, method, proof, address)
	if err != nil {
		return TokenPair{}, err
	}
	pair, err := s.loginPair(ctx, userID, amr)
	if err == nil {
		s.loggedIn(ctx, userID, address, amr)
	}
	return pair, err
}

// CompleteSession is CompleteLogin for a cookie session: the second step
// of a StartSession that failed with a *MFARequiredError. It starts the
// session, whose requests carry the login's methods (assurance
// authn.ACRMultiFactor), and destroys the one previousCookie names, as
// StartSession does; its errors are CompleteLogin's.
func (s *Service) CompleteSession(ctx context.Context, mfaToken, method, proof, address, previousCookie string) (session.Session, error) {
	if s.cfg.Sessions == nil {
		return session.Session{}, fmt.Errorf("%w: sessions", ErrNotConfigured)
	}
	userID, amr, err := s.checkSecondFactor(ctx, mfaToken, method, proof, address)
	if err != nil {
		return session.Session{}, err
	}
	return s.startSession(ctx, userID, address, previousCookie, amr)
}

// loginPair starts a refresh family for a login of userID that used amr
// and issues its first pair, retiring the family when the access token
// cannot be issued: Revocations that answer per call (Redis) may fail only
// then, and a refresh token never handed out must not stay live.
func (s *Service) loginPair(ctx context.Context, userID string, amr []string) (TokenPair, error) {
	rt, err := s.cfg.Refresh.Issue(ctx, userID, amr...)
	if err != nil {
		return TokenPair{}, err
	}
	pair, err := s.pair(ctx, rt)
	if err != nil {
		if revokeErr := s.cfg.Refresh.RevokeFamily(context.WithoutCancel(ctx), rt.FamilyID); revokeErr != nil {
			s.log.Warn("account: a refresh family issued to a login that failed stays live until it expires",
				"user", rt.Subject, "error", revokeErr)
		}
		return TokenPair{}, err
	}
	return pair, nil
}

// checkSecondFactor checks the second step of a login and spends its MFA
// token; it returns the user and the login's methods.
func (s *Service) checkSecondFactor(ctx context.Context, mfaToken, method, proof, address string) (string, []string, error) {
	if s.cfg.MFATokens == nil {
		return "", nil, fmt.Errorf("%w: second factors", ErrNotConfigured)
	}
	userID, err := s.cfg.MFATokens.Verify(ctx, mfaToken, s.passwordBinding)
	if err != nil {
		return "", nil, fmt.Errorf("account: MFA token: %w", err)
	}
	factor, err := s.offeredFactor(ctx, userID, method)
	if err != nil {
		return "", nil, err
	}
	proved, err := s.verifyFactor(ctx, userID, factor, proof, address)
	if err != nil {
		return "", nil, err
	}
	// Spent only now: a wrong code leaves the login open for another try.
	if _, err := s.cfg.MFATokens.Consume(ctx, mfaToken, s.passwordBinding); err != nil {
		return "", nil, fmt.Errorf("account: MFA token: %w", err)
	}
	user, err := s.cfg.Users.Get(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	if user.Locked() {
		return "", nil, fmt.Errorf("account: second factor of %s: %w", userID, users.ErrLocked)
	}
	return userID, loginMethods(proved), nil
}

// loginMethods are the methods of a password login completed with a
// factor that proved those of proved: the password's, the factor's, and
// authn.AMRMultiFactor, once each.
func loginMethods(proved []string) []string {
	amr := []string{authn.AMRPassword}
	for _, m := range append(slices.Clone(proved), authn.AMRMultiFactor) {
		if !slices.Contains(amr, m) {
			amr = append(amr, m)
		}
	}
	return amr
}

// verifyFactor checks proof of factor for userID, counting wrong proofs
// against the user's second-factor throttle.
func (s *Service) verifyFactor(ctx context.Context, userID string, factor Factor, proof, address string) ([]string, error) {
	attempt, err := s.cfg.Throttle.Reserve(ctx, mfaThrottleKey(userID), address)
	switch {
	case errors.Is(err, authn.ErrThrottled):
		s.event(ctx, slog.LevelWarn, EventMFAThrottled, "user", userID, "factor", factor.Name, "address", address)
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("account: reserve a second-factor attempt: %w", err)
	}
	proved, err := factor.check(ctx, userID, proof)
	switch {
	case errors.Is(err, authn.ErrInvalidCredentials):
		s.event(ctx, slog.LevelWarn, EventMFAFailed, "user", userID, "factor", factor.Name, "address", address)
		if recErr := attempt.Failed(ctx); recErr != nil {
			return nil, fmt.Errorf("account: record a failed second factor: %w", recErr)
		}
		return nil, fmt.Errorf("%w: %w", ErrInvalidSecondFactor, err)
	case err != nil:
		return nil, errors.Join(err, attempt.Cancel(context.WithoutCancel(ctx)))
	}
	if err := attempt.Succeeded(ctx); err != nil {
		return nil, fmt.Errorf("account: reset the second-factor throttle: %w", err)
	}
	return proved, nil
}

// VerifySecondFactor checks a proof of the factor named method that
// userID has set up, outside a login: before the factor is replaced or
// removed, or a sensitive operation is allowed. Wrong proofs count against
// the same throttle as a login's second step. Errors: ErrInvalidSecondFactor
// (matching authn.ErrInvalidCredentials) for a wrong proof or a factor the
// user does not have, a *authn.ThrottledError, or a failure.
func (s *Service) VerifySecondFactor(ctx context.Context, userID, method, proof, address string) error {
	i := slices.IndexFunc(s.cfg.SecondFactors, func(f Factor) bool { return f.Name == method })
	if i < 0 {
		return fmt.Errorf("%w: %q is not a factor", ErrInvalidSecondFactor, method)
	}
	on, err := s.cfg.SecondFactors[i].Enabled(ctx, userID)
	switch {
	case err != nil:
		return fmt.Errorf("account: second factor %s: %w", method, err)
	case !on:
		return fmt.Errorf("%w: %s is not set up", ErrInvalidSecondFactor, method)
	}
	_, err = s.verifyFactor(ctx, userID, s.cfg.SecondFactors[i], proof, address)
	return err
}

// checkFactors checks Config.SecondFactors.
func checkFactors(cfg Config) error {
	if len(cfg.SecondFactors) > 0 && cfg.MFATokens == nil {
		return errors.New("account: Config.MFATokens is required with SecondFactors")
	}
	var names []string
	for _, f := range cfg.SecondFactors {
		switch {
		case f.Name == "" || slices.Contains(names, f.Name):
			return fmt.Errorf("account: second factor %q: a Name, once", f.Name)
		case f.Enabled == nil || (f.Verify == nil) == (f.Prove == nil):
			return fmt.Errorf("account: second factor %s: Enabled, and Verify or Prove, are required", f.Name)
		case f.Verify != nil && (len(f.AMR) == 0 || !authn.ValidAMR(append([]string{authn.AMRPassword, authn.AMRMultiFactor}, f.AMR...))):
			return fmt.Errorf("account: second factor %s: AMR %q: the methods the factor proves, neither pwd nor mfa", f.Name, f.AMR)
		}
		names = append(names, f.Name)
	}
	return nil
}
