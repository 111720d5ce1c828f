package authn

import (
	"fmt"
	"slices"
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
	// AMR are the methods the login the credential descends from used
	// (RFC 8176: AMRPassword, AMROTP, AMRHardwareKey, …, and AMRMultiFactor
	// when there were two factors), as the access token's "amr" claim or
	// the session carries them; refreshes keep them. Nil when unknown.
	AMR []string
	// ACR is the assurance level of that login: ACRMultiFactor when AMR
	// holds AMRMultiFactor, ACRSingleFactor for another login, "" when
	// unknown (API keys, external providers' tokens without "acr").
	ACR string
}

// Authentication methods of RFC 8176, as the "amr" claim names them.
const (
	// AMRPassword: a password.
	AMRPassword = "pwd"
	// AMROTP: a one-time password, such as a TOTP code or a recovery code.
	AMROTP = "otp"
	// AMRHardwareKey: proof of possession of a hardware-protected key (a
	// WebAuthn authenticator that says so).
	AMRHardwareKey = "hwk"
	// AMRSoftwareKey: proof of possession of a software-protected key (a
	// synced passkey).
	AMRSoftwareKey = "swk"
	// AMRMultiFactor: more than one factor was used.
	AMRMultiFactor = "mfa"
)

// Assurance levels, as "acr" values (NIST SP 800-63B authenticator
// assurance levels, as Ory Kratos names them too).
const (
	// ACRSingleFactor: one factor, such as a password.
	ACRSingleFactor = "aal1"
	// ACRMultiFactor: two factors of different kinds.
	ACRMultiFactor = "aal2"
)

// ACRFor returns the assurance level of a login that used amr:
// ACRMultiFactor when amr holds AMRMultiFactor, ACRSingleFactor when it
// holds anything else, "" when it is empty.
func ACRFor(amr []string) string {
	switch {
	case len(amr) == 0:
		return ""
	case slices.Contains(amr, AMRMultiFactor):
		return ACRMultiFactor
	}
	return ACRSingleFactor
}

// ValidAMR reports whether amr can be carried by a credential: at most 8
// methods, each 1 to 16 bytes of lowercase ASCII letters and digits, none
// twice.
func ValidAMR(amr []string) bool {
	if len(amr) > 8 {
		return false
	}
	for i, m := range amr {
		if m == "" || len(m) > 16 || slices.Contains(amr[:i], m) {
			return false
		}
		for j := 0; j < len(m); j++ {
			if c := m[j]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// RequireMFA returns nil when s descends from a login with a second factor
// (its ACR is ACRMultiFactor), and otherwise an error matching
// ErrReauthenticationRequired: a *ReauthenticationError whose ACRValues
// asks for ACRMultiFactor, which adapters put in their challenge (RFC
// 9470's acr_values). Call it, or use the guard's RequireMFA, before what
// a stolen password alone must not reach.
func (s Subject) RequireMFA() error {
	if s.ACR == ACRMultiFactor {
		return nil
	}
	return &ReauthenticationError{ACRValues: ACRMultiFactor, reason: "the login had no second factor"}
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
	// MaxAge is the oldest login the operation accepts; zero when any age
	// will do.
	MaxAge time.Duration
	// ACRValues is the assurance level the operation needs (RFC 9470's
	// acr_values); "" when any will do.
	ACRValues string
	reason    string
}

// Error says why the login is not recent enough.
func (e *ReauthenticationError) Error() string {
	return ErrReauthenticationRequired.Error() + ": " + e.reason
}

// Unwrap returns ErrReauthenticationRequired.
func (e *ReauthenticationError) Unwrap() error { return ErrReauthenticationRequired }

// IsZero reports whether s is the zero Subject: nobody authenticated.
func (s Subject) IsZero() bool { return s.ID == "" }
