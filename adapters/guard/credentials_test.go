package guard_test

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// The credentials of a net/http request tell its connection, and the Guard
// passes it on to the Authenticator through its check for repeated
// credentials.
func TestRequestCredentialsTellTheConnection(t *testing.T) {
	t.Parallel()
	state := &tls.ConnectionState{HandshakeComplete: true, ServerName: "api.example.test"}
	plainReq := httptest.NewRequest("GET", "http://api.example.test/", nil)
	plainReq.RemoteAddr = "198.51.100.7:50312"
	tlsReq := httptest.NewRequest("GET", "https://api.example.test/", nil)
	tlsReq.TLS, tlsReq.RemoteAddr = state, "[2001:db8::7]:50313"

	for name, tc := range map[string]struct {
		creds authn.Credentials
		tls   *tls.ConnectionState
		peer  string
	}{
		"without TLS": {guard.RequestCredentials(plainReq), nil, "198.51.100.7:50312"},
		"over TLS":    {guard.RequestCredentials(tlsReq), state, "[2001:db8::7]:50313"},
		"repeated credentials without a connection": {repeatedCredentials{}, nil, ""},
	} {
		var seen authn.ConnectionCredentials
		g := newGuard(t, guard.Config{Authenticator: authn.AuthenticatorFunc(
			func(_ context.Context, req authn.Credentials) (authn.Subject, error) {
				seen, _ = req.(authn.ConnectionCredentials)
				return authn.Subject{}, authn.ErrNoCredentials
			})})
		_, e := g.Authenticate(context.Background(), tc.creds, guard.Optional)
		require.Nil(t, e, name)
		require.NotNil(t, seen, name)
		assert.Same(t, tc.tls, seen.TLS(), name)
		assert.Equal(t, tc.peer, seen.RemoteAddr(), name)
	}

	// Credentials that do not tell their connection are handed on as
	// they are.
	var told bool
	g := newGuard(t, guard.Config{Authenticator: authn.AuthenticatorFunc(
		func(_ context.Context, req authn.Credentials) (authn.Subject, error) {
			_, told = req.(authn.ConnectionCredentials)
			return authn.Subject{}, authn.ErrNoCredentials
		})})
	_, e := g.Authenticate(context.Background(), plainCredentials{}, guard.Optional)
	require.Nil(t, e)
	assert.False(t, told)
}

// plainCredentials implement neither authn.ConnectionCredentials nor
// guard.RepeatedCredentials.
type plainCredentials struct{}

func (plainCredentials) Header(string) string         { return "" }
func (plainCredentials) Cookie(string) (string, bool) { return "", false }
func (plainCredentials) Method() string               { return "GET" }

// repeatedCredentials implement guard.RepeatedCredentials, and not
// authn.ConnectionCredentials.
type repeatedCredentials struct{ plainCredentials }

func (repeatedCredentials) HeaderValues(string) []string { return nil }
func (repeatedCredentials) CookieValues(string) []string { return nil }
