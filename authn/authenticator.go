package authn

import (
	"context"
	"crypto/tls"
	"errors"
)

// Credentials is the part of a request authenticators read. Each framework
// adapter implements it over its own request type, so authenticators know
// nothing of frameworks.
type Credentials interface {
	// Header returns the first value of the named request header, or "".
	Header(name string) string
	// Cookie returns the value of the named cookie and whether it is present.
	Cookie(name string) (string, bool)
	// Method returns the request's HTTP method, such as "POST".
	Method() string
}

// ConnectionCredentials is implemented by Credentials that can also tell
// which connection the request came over, as the credentials of the
// net/http, Gin and Fiber adapters do. Authenticators that prove who is
// calling from the connection itself, such as the client certificates of
// package clientcert, read it with a type assertion; Credentials that do
// not implement it are taken to come from an unknown peer without TLS.
type ConnectionCredentials interface {
	// TLS returns the state of the connection's TLS handshake, whose
	// VerifiedChains hold the client certificate the server's tls.Config
	// verified; nil when the request did not come over TLS.
	TLS() *tls.ConnectionState
	// RemoteAddr returns the address of the connection's peer as
	// "ip:port": the client, or the proxy that forwarded the request;
	// "" when unknown.
	RemoteAddr() string
}

// Authenticator proves who is calling from one kind of credential.
//
// Authenticate returns the Subject the credential proves; an error matching
// ErrNoCredentials when the request carries no credential of its kind; and
// any other error (matching ErrInvalidCredentials, or ErrCSRF) when one is
// present but rejected. It never returns a Subject with an error.
type Authenticator interface {
	Authenticate(ctx context.Context, req Credentials) (Subject, error)
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(ctx context.Context, req Credentials) (Subject, error)

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, req Credentials) (Subject, error) {
	return f(ctx, req)
}

// Chain tries authenticators in order. The first that finds its kind of
// credential decides: its Subject is returned, or its rejection — a bad
// credential is never passed over in favour of the next one. When none finds
// a credential, Chain returns ErrNoCredentials.
type Chain []Authenticator

// Authenticate implements Authenticator.
func (c Chain) Authenticate(ctx context.Context, req Credentials) (Subject, error) {
	for _, a := range c {
		if err := ctx.Err(); err != nil {
			return Subject{}, err
		}
		s, err := a.Authenticate(ctx, req)
		if errors.Is(err, ErrNoCredentials) {
			continue
		}
		if err != nil {
			return Subject{}, err
		}
		return s, nil
	}
	return Subject{}, ErrNoCredentials
}

// IsSafeMethod reports whether an HTTP method is defined as safe (RFC 9110
// §9.2.1): GET, HEAD, OPTIONS and TRACE. Unsafe methods change state and
// need CSRF protection when authenticated by a cookie.
func IsSafeMethod(method string) bool {
	switch method {
	case "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}
