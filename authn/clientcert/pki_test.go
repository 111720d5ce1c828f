package clientcert_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// start is the time the tests' clocks read; certificates are valid from a
// day before it to a day after, CAs for a year around it.
var start = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// authority is a certificate authority of the tests.
type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool // holds cert alone
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return key
}

// newCA returns a self-signed root named name.
func newCA(t testing.TB, name string) *authority {
	t.Helper()
	key := newKey(t)
	tmpl := caTemplate(name)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return newAuthority(t, der, key)
}

// intermediate returns a CA named name that ca vouches for.
func (ca *authority) intermediate(t testing.TB, name string) *authority {
	t.Helper()
	key := newKey(t)
	der, err := x509.CreateCertificate(rand.Reader, caTemplate(name), ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	return newAuthority(t, der, key)
}

func caTemplate(name string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: start.AddDate(-1, 0, 0), NotAfter: start.AddDate(1, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
}

func newAuthority(t testing.TB, der []byte, key *ecdsa.PrivateKey) *authority {
	t.Helper()
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &authority{cert: cert, key: key, pool: pool}
}

// issue signs a client certificate from tmpl, whose zero validity is a day
// either side of start and whose zero ExtKeyUsage is client
// authentication.
func (ca *authority) issue(t testing.TB, tmpl x509.Certificate) *x509.Certificate {
	t.Helper()
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	require.NoError(t, err)
	tmpl.SerialNumber = serial
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = start.Add(-24 * time.Hour)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = start.Add(24 * time.Hour)
	}
	if tmpl.ExtKeyUsage == nil {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	key := newKey(t)
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca.cert, &key.PublicKey, ca.key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return cert
}

// named returns a template of a client certificate whose common name is cn.
func named(cn string) x509.Certificate {
	return x509.Certificate{Subject: pkix.Name{CommonName: cn}}
}

// verified is the TLS state of a connection whose handshake verified cert,
// vouched for by chain.
func verified(cert *x509.Certificate, chain ...*x509.Certificate) *tls.ConnectionState {
	return &tls.ConnectionState{HandshakeComplete: true, PeerCertificates: []*x509.Certificate{cert},
		VerifiedChains: [][]*x509.Certificate{append([]*x509.Certificate{cert}, chain...)}}
}

// pemOf returns certs in PEM, one after the other.
func pemOf(certs ...*x509.Certificate) string {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return b.String()
}

// nginxHeader writes certs as nginx's $ssl_client_escaped_cert does:
// URL-escaped PEM, "+", "/" and "=" escaped too.
func nginxHeader(certs ...*x509.Certificate) string {
	return strings.ReplaceAll(url.QueryEscape(pemOf(certs...)), "+", "%20")
}

// traefikHeader writes certs as Traefik's PassTLSClientCert does: base64
// DER, comma-separated, URL-escaped.
func traefikHeader(certs ...*x509.Certificate) string {
	parts := make([]string, len(certs))
	for i, c := range certs {
		parts[i] = url.QueryEscape(base64.StdEncoding.EncodeToString(c.Raw))
	}
	return strings.Join(parts, ",")
}
