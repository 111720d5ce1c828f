package authntest

import (
	"crypto/tls"
	"net/http"
)

// Request is an authn.Credentials made of plain values, and an
// authn.ConnectionCredentials. The zero value is a GET with no headers and
// no cookies, from an unknown peer without TLS.
type Request struct {
	// HTTPMethod is the request's method; "" means GET.
	HTTPMethod string
	// Headers holds header values by name; names are matched
	// case-insensitively, as HTTP does.
	Headers map[string]string
	// Cookies holds cookie values by name.
	Cookies map[string]string
	// ConnectionState is the TLS state of the request's connection, which
	// TLS returns; nil for a request that did not come over TLS.
	ConnectionState *tls.ConnectionState
	// Peer is the address of the connection's peer, "ip:port", which
	// RemoteAddr returns; "" when unknown.
	Peer string
}

// Header implements authn.Credentials.
func (r Request) Header(name string) string {
	want := http.CanonicalHeaderKey(name)
	for k, v := range r.Headers {
		if http.CanonicalHeaderKey(k) == want {
			return v
		}
	}
	return ""
}

// Cookie implements authn.Credentials.
func (r Request) Cookie(name string) (string, bool) {
	v, ok := r.Cookies[name]
	return v, ok
}

// Method implements authn.Credentials.
func (r Request) Method() string {
	if r.HTTPMethod == "" {
		return http.MethodGet
	}
	return r.HTTPMethod
}

// TLS implements authn.ConnectionCredentials.
func (r Request) TLS() *tls.ConnectionState { return r.ConnectionState }

// RemoteAddr implements authn.ConnectionCredentials.
func (r Request) RemoteAddr() string { return r.Peer }

// Bearer returns a GET request carrying token in an Authorization header.
func Bearer(token string) Request {
	return Request{Headers: map[string]string{"Authorization": "Bearer " + token}}
}
