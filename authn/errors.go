package authn

import (
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors shared by every kind of credential, matched with errors.Is.
// Adapters map them to HTTP: ErrNoCredentials and ErrInvalidCredentials to
// 401 (with error="invalid_token" for ErrInvalidToken), ErrCSRF to 403,
// ErrThrottled to 429.
var (
	// ErrNoCredentials: the request carries no credential of the kind asked
	// for. A route with optional authentication lets it through as
	// anonymous; every other error is a rejection.
	ErrNoCredentials = errors.New("no credentials")

	// ErrInvalidCredentials: a credential was presented and rejected. Every
	// error below except ErrCSRF and ErrThrottled matches it too. Login
	// returns it, and only it, for an unknown email and a wrong password
	// alike.
	ErrInvalidCredentials = errors.New("invalid credentials")

	// ErrInvalidToken: a token is malformed, wrongly signed, of the wrong
	// type, issuer or audience, or signed with an unknown key.
	ErrInvalidToken = errkind.New("invalid token", ErrInvalidCredentials)
	// ErrTokenExpired: a token's lifetime is over (or has not begun).
	ErrTokenExpired = errkind.New("token expired", ErrInvalidToken)
	// ErrTokenRevoked: a token was revoked before it expired.
	ErrTokenRevoked = errkind.New("token revoked", ErrInvalidToken)
	// ErrTokenReused: a refresh token was presented again after it had been
	// exchanged, which is taken as theft: its whole family is revoked.
	ErrTokenReused = errkind.New("refresh token reused", ErrTokenRevoked)

	// ErrInvalidAPIKey: an API key is unknown, malformed, revoked or expired.
	ErrInvalidAPIKey = errkind.New("invalid API key", ErrInvalidCredentials)
	// ErrInvalidSession: a session cookie names no live session: unknown,
	// destroyed, or past its idle or absolute timeout.
	ErrInvalidSession = errkind.New("invalid session", ErrInvalidCredentials)

	// ErrReauthenticationRequired: the credential is good, but the login it
	// descends from is older than the operation allows (see
	// Subject.RequireRecentLogin); the user must log in again. Adapters
	// answer 401 with RFC 9470's error="insufficient_user_authentication".
	ErrReauthenticationRequired = errkind.New("recent login required", ErrInvalidCredentials)

	// ErrCSRF: a state-changing request authenticated by a session cookie
	// lacks the session's CSRF token.
	ErrCSRF = errors.New("missing or invalid CSRF token")

	// ErrThrottled: too many failed logins; the error is a *ThrottledError
	// that says when to retry.
	ErrThrottled = errors.New("too many attempts")

	// ErrUnavailable: a credential can be neither accepted nor rejected,
	// because what it is checked against cannot be vouched for right now
	// (revocations that a replica cannot keep current while its notifier
	// or store does not answer). It matches neither ErrInvalidCredentials
	// nor ErrNoCredentials: the credential may be good. Adapters answer 503
	// with Retry-After. Packages below authn wrap their own unavailability
	// (watch.ErrUnavailable) in it, so that callers need not import them.
	ErrUnavailable = errors.New("credentials cannot be checked now")

	// ErrWeakSecret: a signing secret or key is too short to be safe.
	ErrWeakSecret = errors.New("secret too weak")
)

// ThrottledError is returned while logins are refused after too many
// failures. It matches ErrThrottled.
type ThrottledError struct {
	// RetryAfter is how long until an attempt will be considered again.
	RetryAfter time.Duration
}

// Error says how long to wait, rounded up to the second.
func (e *ThrottledError) Error() string {
	return fmt.Sprintf("%v: retry after %ds", ErrThrottled, RetryAfterSeconds(e.RetryAfter))
}

// Is makes a *ThrottledError match ErrThrottled.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// RetryAfterSeconds rounds d up to whole seconds, at least 1, as an HTTP
// Retry-After header wants it.
func RetryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
