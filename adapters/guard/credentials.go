package guard

import (
	"crypto/tls"
	"net/http"

	"github.com/gatehouse-go/gatehouse/authn"
)

// RequestCredentials returns the credentials of a net/http request, for
// the adapters of frameworks built on net/http. They implement
// authn.ConnectionCredentials with r.TLS and r.RemoteAddr, and
// RepeatedCredentials.
func RequestCredentials(r *http.Request) authn.Credentials { return httpCredentials{r} }

type httpCredentials struct{ r *http.Request }

func (c httpCredentials) Header(name string) string { return c.r.Header.Get(name) }

func (c httpCredentials) Cookie(name string) (string, bool) {
	cookie, err := c.r.Cookie(name)
	if err != nil {
		return "", false
	}
	return cookie.Value, true
}

func (c httpCredentials) Method() string { return c.r.Method }

func (c httpCredentials) TLS() *tls.ConnectionState { return c.r.TLS }

func (c httpCredentials) RemoteAddr() string { return c.r.RemoteAddr }

func (c httpCredentials) HeaderValues(name string) []string { return c.r.Header.Values(name) }

func (c httpCredentials) CookieValues(name string) []string {
	var values []string
	for _, cookie := range c.r.CookiesNamed(name) {
		values = append(values, cookie.Value)
	}
	return values
}
