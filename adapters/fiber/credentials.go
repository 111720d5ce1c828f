package fiberadapter

import (
	"crypto/tls"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// credentials reads a Fiber request for authn. Fiber returns strings that
// alias its request buffer, valid only while the handler runs; the
// credentials hand authn copies, so that nothing an authenticator derives
// from them (a key id in Subject.CredentialID, a claim) changes once the
// handler has returned, whoever keeps the Subject.
type credentials struct{ c fiber.Ctx }

func (r credentials) Header(name string) string { return strings.Clone(r.c.Get(name)) }

func (r credentials) Cookie(name string) (string, bool) {
	v := strings.Clone(r.c.Cookies(name))
	return v, v != ""
}

func (r credentials) Method() string { return strings.Clone(r.c.Method()) }

// TLS returns the connection's TLS state, for authn.ConnectionCredentials:
// a copy fasthttp makes of the tls.Conn's, whose certificates the
// connection never changes after its handshake; nil without TLS, and
// when fasthttp wraps the connection (Server.MaxConnsPerIP) so that it
// cannot tell its state.
func (r credentials) TLS() *tls.ConnectionState { return r.c.RequestCtx().TLSConnectionState() }

// RemoteAddr returns the connection's peer, formatted anew.
func (r credentials) RemoteAddr() string { return r.c.RequestCtx().RemoteAddr().String() }

// HeaderValues and CookieValues copy too.
func (r credentials) HeaderValues(name string) []string {
	var values []string
	for _, v := range r.c.Request().Header.PeekAll(name) {
		values = append(values, string(v))
	}
	return values
}

func (r credentials) CookieValues(name string) []string {
	var values []string
	for k, v := range r.c.Request().Header.Cookies() {
		if string(k) == name {
			values = append(values, string(v))
		}
	}
	return values
}
