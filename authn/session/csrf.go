package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"

	"github.com/gatehouse-go/gatehouse/authn"
)

// csrfMessage separates the CSRF token's use of the session token from any
// other; the version lets a future scheme change it without confusion.
const csrfMessage = "gatehouse csrf v1"

// csrfFor derives the CSRF token of the session whose token encodes raw. It
// is keyed by the session token, so it needs no storage, differs per
// session, dies with the session, and reveals nothing of the token it is
// derived from.
func csrfFor(raw []byte) string {
	mac := hmac.New(sha256.New, raw)
	mac.Write([]byte(csrfMessage))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// CSRFToken returns the CSRF token of the session whose cookie value is
// token, for an endpoint or page that hands it out again (for instance in a
// <meta> tag for scripts to copy into the CSRFHeader header). It returns an
// empty Secret for a malformed token, which Authenticate never accepts. It
// does not check that the session is live: hand the token out only on a
// request Authenticate has accepted.
func (m *Manager) CSRFToken(token string) authn.Secret {
	raw, ok := decodeToken(token)
	if !ok {
		return ""
	}
	return authn.Secret(csrfFor(raw))
}

// validCSRF reports whether got is the CSRF token of the session encoded by
// raw, in time independent of where they differ.
func validCSRF(raw []byte, got string) bool {
	if got == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(csrfFor(raw))) == 1
}
