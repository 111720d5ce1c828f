package clientcert_test

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"math/big"
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

// forwardedWorld is a CA with an issuing intermediate, a client certificate
// it issued, and an Authenticator reading the header from proxies.
type forwardedWorld struct {
	ca, inter *authority
	client    *x509.Certificate // "invoicer", issued by inter
	direct    *x509.Certificate // "proxy", the proxy's own, issued by ca
	clock     *authntest.Clock
	auth      *clientcert.Authenticator
}

func newForwardedWorld(t *testing.T) *forwardedWorld {
	t.Helper()
	w := &forwardedWorld{ca: newCA(t, "Services CA"), clock: authntest.NewClock(start)}
	w.inter = w.ca.intermediate(t, "Services Issuing CA")
	w.client = w.inter.issue(t, named("invoicer"))
	w.direct = w.ca.issue(t, named("proxy"))
	w.auth = newAuthenticator(t, clientcert.Config{Identity: clientcert.CommonName, ForwardedHeader: header,
		TrustedProxies: proxies, Roots: w.ca.pool, Now: w.clock.Now})
	return w
}

// A trusted proxy's header is the client's certificate, in either form,
// verified against Roots with the intermediates it carries.
func TestForwardedCertificateFromTrustedProxy(t *testing.T) {
	t.Parallel()
	w := newForwardedWorld(t)
	pathEscaped := url.PathEscape(pemOf(w.client, w.inter.cert)) // "+", "/" and "=" left as they are
	for name, req := range map[string]authn.Credentials{
		"nginx, escaped PEM":                  authntest.Request{Peer: proxy, Headers: map[string]string{header: nginxHeader(w.client, w.inter.cert)}},
		"escaped PEM, + / = left alone":       authntest.Request{Peer: proxy, Headers: map[string]string{header: pathEscaped}},
		"PEM, line breaks as spaces":          authntest.Request{Peer: proxy, Headers: map[string]string{header: strings.ReplaceAll(pemOf(w.client, w.inter.cert), "\n", " ")}},
		"PEM, line breaks removed":            authntest.Request{Peer: proxy, Headers: map[string]string{header: strings.ReplaceAll(pemOf(w.client, w.inter.cert), "\n", "")}},
		"Traefik, base64 DER":                 authntest.Request{Peer: proxy, Headers: map[string]string{header: traefikHeader(w.client, w.inter.cert)}},
		"header name in another case":         authntest.Request{Peer: proxy, Headers: map[string]string{"x-ssl-client-cert": traefikHeader(w.client, w.inter.cert)}},
		"the proxy's own certificate ignored": authntest.Request{Peer: proxy, ConnectionState: verified(w.direct, w.ca.cert), Headers: map[string]string{header: nginxHeader(w.client, w.inter.cert)}},
		"IPv6 proxy":                          authntest.Request{Peer: "[2001:db8::5]:443", Headers: map[string]string{header: nginxHeader(w.client, w.inter.cert)}},
		"IPv4-mapped IPv6 peer":               authntest.Request{Peer: "[::ffff:192.0.2.10]:443", Headers: map[string]string{header: nginxHeader(w.client, w.inter.cert)}},
		"listed once by the adapter":          repeated{authntest.Request{Peer: proxy}, headers(traefikHeader(w.client, w.inter.cert))},
	} {
		s, err := w.auth.Authenticate(context.Background(), req)
		if assert.NoError(t, err, name) {
			assert.Equal(t, "invoicer", s.ID, name)
			assert.Equal(t, authn.MethodClientCertificate, s.Method, name)
			assert.Equal(t, clientcert.Fingerprint(w.client), s.CredentialID, name)
			assert.Equal(t, w.client.NotAfter, s.ExpiresAt, name)
		}
	}
}

// Trusted proxies are listed by network; IPv4-mapped prefixes cover the
// IPv4 peers they map.
func TestForwardedMappedProxyPrefix(t *testing.T) {
	t.Parallel()
	w := newForwardedWorld(t)
	a := newAuthenticator(t, clientcert.Config{Identity: clientcert.CommonName, ForwardedHeader: header,
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("::ffff:192.0.2.0/124")}, Roots: w.ca.pool})
	s, err := a.Authenticate(context.Background(), authntest.Request{Peer: proxy, Headers: map[string]string{header: traefikHeader(w.client, w.inter.cert)}})
	require.NoError(t, err)
	assert.Equal(t, "invoicer", s.ID)
}

// The header of any peer but a trusted proxy is ignored, as if absent:
// the connection's own certificate counts, or nothing does.
func TestForwardedHeaderFromUntrustedPeerIsIgnored(t *testing.T) {
	t.Parallel()
	w := newForwardedWorld(t)
	forged := map[string]string{header: nginxHeader(w.client, w.inter.cert)}
	for name, tc := range map[string]struct {
		req  authn.Credentials
		want string // "" for authn.ErrNoCredentials
	}{
		"untrusted peer":                        {authntest.Request{Peer: "192.0.2.16:5000", Headers: forged}, ""},
		"untrusted IPv6 peer":                   {authntest.Request{Peer: "[2001:db8:0:1::5]:5000", Headers: forged}, ""},
		"unknown peer":                          {authntest.Request{Headers: forged}, ""},
		"peer that does not parse":              {authntest.Request{Peer: "192.0.2.10:http:x", Headers: forged}, ""},
		"request saying nothing of its conn":    {plain{authntest.Request{Headers: forged}}, ""},
		"untrusted peer with its own cert":      {authntest.Request{Peer: "198.51.100.7:5000", Headers: forged, ConnectionState: verified(w.direct, w.ca.cert)}, "proxy"},
		"untrusted peer, garbage in the header": {authntest.Request{Peer: "198.51.100.7:5000", Headers: map[string]string{header: "%%%"}}, ""},
	} {
		s, err := w.auth.Authenticate(context.Background(), tc.req)
		if tc.want == "" {
			assert.ErrorIs(t, err, authn.ErrNoCredentials, name)
			assert.True(t, s.IsZero(), name)
			continue
		}
		if assert.NoError(t, err, name) {
			assert.Equal(t, tc.want, s.ID, name)
		}
	}
}

// A trusted proxy's request without the header has no certificate: the
// connection's own, the proxy's, would let every client of the proxy in
// as the proxy.
func TestTrustedProxyWithoutHeaderHasNoCertificate(t *testing.T) {
	t.Parallel()
	w := newForwardedWorld(t)
	for name, req := range map[string]authn.Credentials{
		"no header":                 authntest.Request{Peer: proxy, ConnectionState: verified(w.direct, w.ca.cert)},
		"empty header":              authntest.Request{Peer: proxy, Headers: map[string]string{header: ""}, ConnectionState: verified(w.direct, w.ca.cert)},
		"no header, listed":         repeated{authntest.Request{Peer: proxy}, headers()},
		"empty header, listed once": repeated{authntest.Request{Peer: proxy}, headers("")},
	} {
		s, err := w.auth.Authenticate(context.Background(), req)
		assert.ErrorIs(t, err, authn.ErrNoCredentials, name)
		assert.True(t, s.IsZero(), name)
	}
}

// A forwarded certificate that is malformed, or not vouched for by Roots
// at the time, is refused: never passed over for another credential.
func TestForwardedCertificateRefused(t *testing.T) {
	t.Parallel()
	w := newForwardedWorld(t)
	other := newCA(t, "Services CA") // same name, other key
	serverOnly := w.inter.issue(t, x509.Certificate{Subject: named("invoicer").Subject,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	good := nginxHeader(w.client, w.inter.cert)
	key := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not a key")})
	for name, tc := range map[string]struct {
		req  authn.Credentials
		want error
	}{
		"sent twice":               {repeated{authntest.Request{Peer: proxy}, headers(good, good)}, clientcert.ErrMalformed},
		"sent twice, one empty":    {repeated{authntest.Request{Peer: proxy}, headers("", good)}, clientcert.ErrMalformed},
		"garbage":                  {forwardedRequest("not a certificate"), clientcert.ErrMalformed},
		"bad escape":               {forwardedRequest("%zz"), clientcert.ErrMalformed},
		"base64 of no certificate": {forwardedRequest(base64.StdEncoding.EncodeToString([]byte("hello"))), clientcert.ErrMalformed},
		"an empty item":            {forwardedRequest(traefikHeader(w.client) + ","), clientcert.ErrMalformed},
		"PEM with a private key":   {forwardedRequest(url.PathEscape(pemOf(w.client) + string(key))), clientcert.ErrMalformed},
		"PEM with trailing text":   {forwardedRequest(url.PathEscape(pemOf(w.client) + "and more")), clientcert.ErrMalformed},
		"PEM cut short":            {forwardedRequest(url.PathEscape(pemOf(w.client)[:200])), clientcert.ErrMalformed},
		"oversized": {forwardedRequest(good + strings.Repeat("%20", (clientcert.MaxForwardedSize-len(good))/3+1)),
			clientcert.ErrMalformed},
		"too many certificates": {forwardedRequest(traefikHeader(w.client, w.inter.cert, w.inter.cert, w.inter.cert, w.inter.cert,
			w.inter.cert, w.inter.cert, w.inter.cert, w.inter.cert)), clientcert.ErrMalformed},
		"chained to another root":  {forwardedRequest(nginxHeader(other.issue(t, named("invoicer")))), clientcert.ErrUnverified},
		"a CA's own certificate":   {forwardedRequest(nginxHeader(w.inter.cert)), clientcert.ErrUnverified},
		"a root's own certificate": {forwardedRequest(nginxHeader(w.ca.cert)), clientcert.ErrUnverified},
		"self-signed":              {forwardedRequest(nginxHeader(selfSigned(t))), clientcert.ErrUnverified},
		"without its intermediate": {forwardedRequest(nginxHeader(w.client)), clientcert.ErrUnverified},
		"for servers, not clients": {forwardedRequest(nginxHeader(serverOnly, w.inter.cert)), clientcert.ErrUnverified},
		"expired":                  {forwardedRequest(nginxHeader(w.inter.issue(t, expired()), w.inter.cert)), clientcert.ErrExpired},
		"not yet valid":            {forwardedRequest(nginxHeader(w.inter.issue(t, notYetValid()), w.inter.cert)), clientcert.ErrExpired},
		"trusted, names no one":    {forwardedRequest(nginxHeader(w.inter.issue(t, x509.Certificate{}), w.inter.cert)), clientcert.ErrNoIdentity},
		"sent twice, differing":    {repeated{authntest.Request{Peer: proxy}, headers("x", "y")}, clientcert.ErrMalformed},
	} {
		s, err := w.auth.Authenticate(context.Background(), tc.req)
		assert.ErrorIs(t, err, tc.want, name)
		assert.ErrorIs(t, err, clientcert.ErrInvalidCertificate, name)
		assert.ErrorIs(t, err, authn.ErrInvalidCredentials, name)
		assert.True(t, s.IsZero(), name)
	}
}

// The clock decides validity: a forwarded certificate good now is refused
// once it has expired.
func TestForwardedCertificateExpires(t *testing.T) {
	t.Parallel()
	w := newForwardedWorld(t)
	req := forwardedRequest(nginxHeader(w.client, w.inter.cert))
	_, err := w.auth.Authenticate(context.Background(), req)
	require.NoError(t, err)
	w.clock.Set(w.client.NotAfter.Add(time.Second))
	_, err = w.auth.Authenticate(context.Background(), req)
	assert.ErrorIs(t, err, clientcert.ErrExpired)
}

// Config.Intermediates vouch for forwarded certificates whose proxy sends
// the client's certificate alone.
func TestForwardedCertificateWithConfiguredIntermediates(t *testing.T) {
	t.Parallel()
	w := newForwardedWorld(t)
	a := newAuthenticator(t, clientcert.Config{Identity: clientcert.CommonName, ForwardedHeader: header,
		TrustedProxies: proxies, Roots: w.ca.pool, Intermediates: w.inter.pool})
	s, err := a.Authenticate(context.Background(), forwardedRequest(nginxHeader(w.client)))
	require.NoError(t, err)
	assert.Equal(t, "invoicer", s.ID)
}

// headers holds the forwarded certificate header once for each value.
func headers(values ...string) http.Header {
	h := http.Header{}
	for _, v := range values {
		h.Add(header, v)
	}
	return h
}

// selfSigned returns a client certificate that vouches for itself.
func selfSigned(t testing.TB) *x509.Certificate {
	t.Helper()
	key := newKey(t)
	tmpl := named("invoicer")
	tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = big.NewInt(7), start.Add(-time.Hour), start.Add(time.Hour)
	tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, &tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert
}

// forwardedRequest is a request from the trusted proxy carrying value in
// the forwarded certificate header.
func forwardedRequest(value string) authn.Credentials {
	return authntest.Request{Peer: proxy, Headers: map[string]string{header: value}}
}

func expired() x509.Certificate {
	c := named("invoicer")
	c.NotBefore, c.NotAfter = start.Add(-48*time.Hour), start.Add(-time.Second)
	return c
}

func notYetValid() x509.Certificate {
	c := named("invoicer")
	c.NotBefore, c.NotAfter = start.Add(time.Second), start.Add(48*time.Hour)
	return c
}
