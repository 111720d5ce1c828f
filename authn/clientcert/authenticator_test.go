package clientcert_test

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/clientcert"
)

// header is the forwarded certificate header of the tests.
const header = "X-SSL-Client-Cert"

// proxy is the address of the trusted proxy of the tests, in proxies.
const proxy = "192.0.2.10:41234"

var proxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/28"), netip.MustParsePrefix("2001:db8::/64")}

// repeated is a request that lists every value of its headers, as the
// adapters' credentials do.
type repeated struct {
	authntest.Request
	values http.Header
}

func (r repeated) HeaderValues(name string) []string { return r.values.Values(name) }

// plain is a request that says nothing of its connection.
type plain struct{ authntest.Request }

func (p plain) Header(name string) string         { return p.Request.Header(name) }
func (p plain) Cookie(name string) (string, bool) { return p.Request.Cookie(name) }
func (p plain) Method() string                    { return p.Request.Method() }

func newAuthenticator(t *testing.T, cfg clientcert.Config) *clientcert.Authenticator {
	t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return start }
	}
	a, err := clientcert.New(cfg)
	require.NoError(t, err)
	return a
}

func TestNewRefusesUnusableConfig(t *testing.T) {
	t.Parallel()
	roots := x509.NewCertPool()
	for name, cfg := range map[string]clientcert.Config{
		"no identity":                   {},
		"prefix with a control":         {Identity: clientcert.CommonName, Prefix: "svc\n"},
		"prefix with a comma":           {Identity: clientcert.CommonName, Prefix: "svc,"},
		"prefix too long":               {Identity: clientcert.CommonName, Prefix: strings.Repeat("p", clientcert.MaxIDLength+1)},
		"header not a token":            {Identity: clientcert.CommonName, ForwardedHeader: "X-Client Cert", TrustedProxies: proxies, Roots: roots},
		"header without proxies":        {Identity: clientcert.CommonName, ForwardedHeader: header, Roots: roots},
		"header without roots":          {Identity: clientcert.CommonName, ForwardedHeader: header, TrustedProxies: proxies},
		"header with an invalid prefix": {Identity: clientcert.CommonName, ForwardedHeader: header, TrustedProxies: []netip.Prefix{{}}, Roots: roots},
		"proxies without header":        {Identity: clientcert.CommonName, TrustedProxies: proxies},
		"roots without header":          {Identity: clientcert.CommonName, Roots: roots},
		"intermediates without header":  {Identity: clientcert.CommonName, Intermediates: roots},
	} {
		a, err := clientcert.New(cfg)
		assert.ErrorIs(t, err, clientcert.ErrConfig, name)
		assert.NotErrorIs(t, err, authn.ErrInvalidCredentials, name)
		assert.Nil(t, a, name)
	}
}

// A certificate the handshake verified is the subject its Identity names;
// the subject names the certificate by its fingerprint, never by anything
// secret, and expires with it, or with a CA that expires first.
func TestVerifiedCertificateIsTheSubject(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "Services CA")
	inter := ca.intermediate(t, "Services Issuing CA")
	cert := inter.issue(t, named("invoicer"))
	a := newAuthenticator(t, clientcert.Config{Identity: clientcert.CommonName, Prefix: "svc:"})

	s, err := a.Authenticate(context.Background(), authntest.Request{ConnectionState: verified(cert, inter.cert, ca.cert)})
	require.NoError(t, err)
	sum := sha256.Sum256(cert.Raw)
	assert.Equal(t, authn.Subject{ID: "svc:invoicer", Method: authn.MethodClientCertificate,
		CredentialID: hex.EncodeToString(sum[:]), ExpiresAt: cert.NotAfter}, s)
	assert.Equal(t, s.CredentialID, clientcert.Fingerprint(cert))

	early := time.Date(2030, 1, 2, 12, 0, 0, 0, time.UTC)
	shortLived := ca.intermediate(t, "Short-lived CA")
	shortLived.cert.NotAfter = early // read by the Authenticator only
	s, err = a.Authenticate(context.Background(), authntest.Request{ConnectionState: verified(shortLived.issue(t, named("invoicer")), shortLived.cert, ca.cert)})
	require.NoError(t, err)
	assert.Equal(t, early, s.ExpiresAt, "the CA stops vouching first")
}

func TestConnectionWithoutVerifiedCertificate(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "Services CA")
	cert := ca.issue(t, named("invoicer"))
	a := newAuthenticator(t, clientcert.Config{Identity: clientcert.CommonName})
	for name, tc := range map[string]struct {
		req  authn.Credentials
		want error
	}{
		"no connection known": {plain{}, authn.ErrNoCredentials},
		"no TLS":              {authntest.Request{Peer: "198.51.100.7:5000"}, authn.ErrNoCredentials},
		"TLS, no certificate": {authntest.Request{ConnectionState: &tls.ConnectionState{HandshakeComplete: true}}, authn.ErrNoCredentials},
		"certificate taken unverified (RequestClientCert)": {authntest.Request{ConnectionState: &tls.ConnectionState{
			HandshakeComplete: true, PeerCertificates: []*x509.Certificate{cert}}}, clientcert.ErrUnverified},
		"a CA's own certificate, verified": {authntest.Request{ConnectionState: verified(ca.cert)}, clientcert.ErrUnverified},
		"verified, a header from an untrusted peer is no certificate": {authntest.Request{Peer: "198.51.100.7:5000",
			Headers: map[string]string{header: nginxHeader(cert)}}, authn.ErrNoCredentials},
	} {
		s, err := a.Authenticate(context.Background(), tc.req)
		assert.ErrorIs(t, err, tc.want, name)
		assert.True(t, s.IsZero(), name)
		if tc.want != authn.ErrNoCredentials {
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials, name)
			assert.NotErrorIs(t, err, authn.ErrNoCredentials, name)
		}
	}
}

// A connection verified in its handshake can outlive its certificate, or
// its CA's: each request checks the chain at the time.
func TestVerifiedCertificateExpiresDuringTheConnection(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "Services CA")
	cert := ca.issue(t, named("invoicer"))
	clock := authntest.NewClock(start)
	a := newAuthenticator(t, clientcert.Config{Identity: clientcert.CommonName, Now: clock.Now})
	req := authntest.Request{ConnectionState: verified(cert, ca.cert)}

	_, err := a.Authenticate(context.Background(), req)
	require.NoError(t, err)
	clock.Set(cert.NotAfter)
	_, err = a.Authenticate(context.Background(), req)
	require.NoError(t, err, "valid through its NotAfter")
	clock.Advance(time.Second)
	s, err := a.Authenticate(context.Background(), req)
	assert.ErrorIs(t, err, clientcert.ErrExpired)
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.True(t, s.IsZero())
	clock.Set(cert.NotBefore.Add(-time.Second))
	_, err = a.Authenticate(context.Background(), req)
	assert.ErrorIs(t, err, clientcert.ErrExpired, "not yet valid")
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}

func TestAPanicRefusesTheCertificateAndSparesTheProcess(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "Services CA")
	cert := ca.issue(t, named("invoicer"))
	a := newAuthenticator(t, clientcert.Config{Identity: func(*x509.Certificate) (string, error) { panic("identity bug") }})
	s, err := a.Authenticate(context.Background(), authntest.Request{ConnectionState: verified(cert, ca.cert)})
	assert.ErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.True(t, s.IsZero())
}
