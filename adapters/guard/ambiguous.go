package guard

import (
	"crypto/tls"
	"errors"
	"net/http"

	"github.com/gatehouse-go/gatehouse/authn"
)

// ErrAmbiguousCredentials is the cause of the 400 a request gets when it
// carries a credential header or cookie more than once with different
// values: two Authorization headers, two X-API-Key headers, two session
// cookies. Routers, proxies and authenticators may each pick a different
// one of them, so the request is refused rather than judged by whichever
// comes first.
var ErrAmbiguousCredentials = errors.New("a credential is sent more than once with different values")

// RepeatedCredentials is implemented by Credentials that can list every
// value of a header and of a cookie. The Guard uses it to refuse ambiguous
// requests (see ErrAmbiguousCredentials); the credentials of the adapters
// in this module implement it, and others are judged by their first values.
type RepeatedCredentials interface {
	authn.Credentials
	// HeaderValues returns every value of the named header, in order.
	HeaderValues(name string) []string
	// CookieValues returns the value of every cookie of that name, in order.
	CookieValues(name string) []string
}

// unambiguous reads credentials for an authenticator, hiding a header or
// cookie with different values as if it were absent and remembering its
// name, so that the authenticator never works with one of two values.
type unambiguous struct {
	RepeatedCredentials
	ambiguous string // "Authorization", "cookie __Host-gatehouse_session"; "" while none is
}

func (u *unambiguous) Header(name string) string {
	values := u.HeaderValues(name)
	if differ(values) {
		u.ambiguous = http.CanonicalHeaderKey(name) + " header"
		return ""
	}
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

func (u *unambiguous) Cookie(name string) (string, bool) {
	values := u.CookieValues(name)
	if differ(values) {
		u.ambiguous = "cookie " + name
		return "", false
	}
	if len(values) == 0 {
		return "", false
	}
	return values[0], true
}

// TLS passes on the connection of the credentials read, so that
// authenticators of the connection (authn.ConnectionCredentials) see it
// through the check: nil when they have none.
func (u *unambiguous) TLS() *tls.ConnectionState {
	if c, ok := u.RepeatedCredentials.(authn.ConnectionCredentials); ok {
		return c.TLS()
	}
	return nil
}

// RemoteAddr passes on the peer of the credentials read, as TLS does; ""
// when they do not know it.
func (u *unambiguous) RemoteAddr() string {
	if c, ok := u.RepeatedCredentials.(authn.ConnectionCredentials); ok {
		return c.RemoteAddr()
	}
	return ""
}

// differ reports whether values holds two different values; the same value
// sent twice is one credential.
func differ(values []string) bool {
	for _, v := range values[min(1, len(values)):] {
		if v != values[0] {
			return true
		}
	}
	return false
}

// ambiguousError is the 400 of a request whose credential named by what is
// ambiguous.
func ambiguousError(what string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
		Message: "the request carries the " + what + " more than once, with different values",
		Cause:   ErrAmbiguousCredentials}
}
