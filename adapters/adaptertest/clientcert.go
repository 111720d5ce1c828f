package adaptertest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn/clientcert"
	"github.com/gatehouse-go/gatehouse/authz"
)

// CertPath is the route of an adapter's client-certificate test: GET only,
// guarded with the permission users:read, its handler replying with a
// Reply of the caller's subject and method.
const CertPath = "/whoami"

// The services of CertFixture: their SPIFFE IDs are their subject ids.
const (
	// CertModerator holds the role moderator, and with it users:read.
	CertModerator = "spiffe://example.test/ns/prod/sa/billing"
	// CertNobody holds no role.
	CertNobody = "spiffe://example.test/ns/prod/sa/reports"
)

// CertFixture is the world of the adapters' tests of client certificates
// (mutual TLS) over real TLS connections: a CA, the certificate of the
// server under test and those of clients, from that CA and from another.
type CertFixture struct {
	// Guard authenticates with a clientcert.Authenticator alone, whose
	// Identity is the SPIFFE ID of trust domain example.test, and decides
	// with an engine of the default policy in which CertModerator is a
	// moderator.
	Guard guard.Config
	// ServerTLS is the TLS configuration the server under test listens
	// with: its certificate for 127.0.0.1, and client certificates
	// verified against the fixture's CA when given
	// (tls.VerifyClientCertIfGiven), so that a client without one reaches
	// the guard.
	ServerTLS *tls.Config

	roots                     *x509.CertPool
	moderator, nobody, origin tls.Certificate
}

// NewCertFixture builds a CertFixture with fresh keys.
func NewCertFixture(t testing.TB) *CertFixture {
	t.Helper()
	ctx := context.Background()
	ca := newTestCA(t, "Services CA")
	foreign := newTestCA(t, "Services CA") // the same name, another key
	f := &CertFixture{roots: x509.NewCertPool(),
		moderator: ca.issue(t, CertModerator, x509.ExtKeyUsageClientAuth),
		nobody:    ca.issue(t, CertNobody, x509.ExtKeyUsageClientAuth),
		origin:    foreign.issue(t, CertModerator, x509.ExtKeyUsageClientAuth),
	}
	f.roots.AddCert(ca.cert)
	f.ServerTLS = &tls.Config{
		Certificates: []tls.Certificate{ca.issue(t, "", x509.ExtKeyUsageServerAuth)},
		ClientCAs:    f.roots,
		ClientAuth:   tls.VerifyClientCertIfGiven,
		MinVersion:   tls.VersionTLS12,
	}

	certs, err := clientcert.New(clientcert.Config{Identity: clientcert.SPIFFEID("example.test")})
	must(t, err)
	engine, err := authz.New(ctx)
	must(t, err)
	must(t, engine.AssignRole(ctx, CertModerator, "moderator"))
	f.Guard = guard.Config{Authenticator: certs, Engine: engine, Logger: slog.New(slog.DiscardHandler)}
	return f
}

// RunCert holds the server at base ("https://127.0.0.1:port"), which
// serves CertPath behind the adapter under test with f's Guard and
// ServerTLS, to what mutual TLS promises: a client with a certificate from
// the CA is the subject it names (200), and is refused what its subject
// may not do (403); a client without one is anonymous (401); one whose
// certificate is from another CA fails its handshake, or at least gets 401.
func RunCert(t *testing.T, f *CertFixture, base string) {
	t.Helper()
	for _, tc := range []struct {
		name    string
		cert    *tls.Certificate
		status  int
		subject string
	}{
		{"certificate of a moderator", &f.moderator, http.StatusOK, CertModerator},
		{"certificate of a service without roles", &f.nobody, http.StatusForbidden, ""},
		{"no certificate", nil, http.StatusUnauthorized, ""},
		{"certificate from another CA", &f.origin, 0, ""},
	} {
		status, reply, err := f.ask(base, tc.cert)
		switch {
		case tc.status == 0:
			if err == nil && status != http.StatusUnauthorized {
				t.Errorf("%s: the handshake succeeded, and the request got %d, want 401", tc.name, status)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case status != tc.status:
			t.Errorf("%s: status %d, want %d", tc.name, status, tc.status)
		case tc.subject != "" && reply != (Reply{Subject: tc.subject, Method: "client_certificate"}):
			t.Errorf("%s: reply %+v, want subject %s by client_certificate", tc.name, reply, tc.subject)
		}
	}
}

// ask sends GET CertPath to base over a new connection presenting cert
// (none when nil), whatever CAs the server says it accepts, and returns
// the status and the reply of a 200.
func (f *CertFixture) ask(base string, cert *tls.Certificate) (int, Reply, error) {
	transport := &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{
		RootCAs: f.roots, ServerName: "127.0.0.1",
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			if cert == nil {
				return &tls.Certificate{}, nil
			}
			return cert, nil
		},
	}}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 10 * time.Second}
	resp, err := client.Get(base + CertPath)
	if err != nil {
		return 0, Reply{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, Reply{}, err
	}
	var reply Reply
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &reply); err != nil {
			return 0, Reply{}, err
		}
	}
	return resp.StatusCode, reply, nil
}

// testCA is a certificate authority of CertFixture.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newTestCA(t testing.TB, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(t, err)
	cert, err := x509.ParseCertificate(der)
	must(t, err)
	return &testCA{cert: cert, key: key}
}

// issue returns a certificate for usage: a client's naming the SPIFFE ID
// spiffeID, or with none a server's for 127.0.0.1.
func (ca *testCA) issue(t testing.TB, spiffeID string, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(t, err)
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	must(t, err)
	tmpl := &x509.Certificate{SerialNumber: serial, NotBefore: ca.cert.NotBefore, NotAfter: ca.cert.NotAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	if spiffeID == "" {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	} else {
		u, err := url.Parse(spiffeID)
		must(t, err)
		tmpl.URIs = []*url.URL{u}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	must(t, err)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
