package authn

import "time"

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
)

// Subject is who is calling, as proven by one credential. Its ID is what
// authz decides about; it carries no roles, which the policy holds.
type Subject struct {
	// ID is the subject's id: the user id for passwords, tokens and
	// sessions; the owning user's id for API keys.
	ID string
	// Method is how the subject authenticated.
	Method Method
	// CredentialID names the credential used, never its secret: a token's
	// jti, an API key's id, a session's public id. Use it in logs and to
	// revoke the credential.
	CredentialID string
	// ExpiresAt is when the credential stops being valid; zero when it does
	// not expire.
	ExpiresAt time.Time
	// Claims are the verified claims of a token credential; nil otherwise.
	Claims map[string]any
}

// IsZero reports whether s is the zero Subject: nobody authenticated.
func (s Subject) IsZero() bool { return s.ID == "" }
