package authn

import (
	"fmt"
	"time"
)

// Method says how a subject proved who it is.
type Method string

// The methods of gatehouse's authenticators.
const (
	// MethodPassword: email and password, at login.
	MethodPassword Method = "password"
	// MethodBearer: a JWT access token in an Authorization: Bearer header.
	MethodBearer Method = "bearer"
	// MethodAPIKey: an API key.
	MethodAPIKey Method = "api_key"
	// MethodSession: a session cookie.
	MethodSession Method = "session"
	// MethodClientCertificate: a TLS client certificate, verified in the
	// handshake or forwarded by a trusted proxy (package clientcert).
	MethodClientCertificate Method = "client_certificate"
)

// Subject is who is calling, as proven by one credential. Its ID is what
// authz decides about; it carries no roles, which the policy holds.
type Subject struct {
	// ID is the subject's id: the user id for passwords, tokens and
	// sessions; the owning user's id for API keys; the name a client
	// certificate gives, under its configured prefix.
	ID string
	// Method is how the subject authenticated.
	Method Method
	// CredentialID names the credential used, never its secret: a token's
	// jti, an API key's id, a session's public id, a client certificate's
	// SHA-256 fingerprint in hex. Use it in logs and to
	// revoke the credential.
	CredentialID string
	// ExpiresAt is when the credential stops being valid; zero when it does
	// not expire.
	ExpiresAt time.Time
	// Claims are the verified claims of a token credential; nil otherwise.
	Claims map[string]any
	// AuthenticatedAt is when the holder last proved who they are with a
	// password: the login a session, or a refresh family and its access
	// tokens (their "auth_time" claim), descends from. Zero when unknown,
	// as for API keys, which no login renews.
	AuthenticatedAt time.Time
}

// RequireRecentLogin returns nil when s descends from a login at most
// maxAge before now, and otherwise an error matching
// ErrReauthenticationRequired (also when the login time is unknown). Call it
// before sensitive operations — changing an email address, deleting an
// account, creating an API key — so that a stolen session or token that
// has been kept alive by refreshing cannot perform them.
//
// The error is a *ReauthenticationError carrying maxAge, which adapters put
// in their challenge (RFC 9470's max_age).
func (s Subject) RequireRecentLogin(now time.Time, maxAge time.Duration) error {
	switch {
	case s.AuthenticatedAt.IsZero():
		return &ReauthenticationError{MaxAge: maxAge, reason: "the credential does not say when its holder logged in"}
	case now.Sub(s.AuthenticatedAt) > maxAge:
		return &ReauthenticationError{MaxAge: maxAge, reason: fmt.Sprintf("logged in %s ago, at most %s allowed",
			now.Sub(s.AuthenticatedAt).Truncate(time.Second), maxAge)}
	}
	return nil
}

// ReauthenticationError says that an operation needs a login more recent
// than the credential's. It matches ErrReauthenticationRequired, and with it
// ErrInvalidCredentials.
type ReauthenticationError struct {
	// MaxAge is the oldest login the operation accepts.
	MaxAge time.Duration
	reason string
}

// Error says why the login is not recent enough.
func (e *ReauthenticationError) Error() string {
	return ErrReauthenticationRequired.Error() + ": " + e.reason
}

// Unwrap returns ErrReauthenticationRequired.
func (e *ReauthenticationError) Unwrap() error { return ErrReauthenticationRequired }

// IsZero reports whether s is the zero Subject: nobody authenticated.
func (s Subject) IsZero() bool { return s.ID == "" }
