package clientcert_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/netip"
	"net/url"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/clientcert"
)

// A service presents its certificate in the TLS handshake, which the
// server's tls.Config verifies; the Authenticator turns it into the
// subject its SPIFFE ID names. In an application, the adapters hand the
// Authenticator each request's connection: put it in guard.Config's
// Authenticator, alone or in an authn.Chain.
func Example() {
	ca, billing := examplePKI("spiffe://example.org/ns/prod/sa/billing")

	serverConfig := &tls.Config{
		Certificates: []tls.Certificate{ca.serverCert},
		ClientCAs:    ca.pool,
		// Callers without a certificate may still use other credentials;
		// tls.RequireAndVerifyClientCert would refuse them in the handshake.
		ClientAuth: tls.VerifyClientCertIfGiven,
	}
	state := handshake(serverConfig, &tls.Config{RootCAs: ca.pool, ServerName: "api.example.org",
		Certificates: []tls.Certificate{billing}})

	certs, err := clientcert.New(clientcert.Config{
		Identity: clientcert.SPIFFEID("example.org"),
		Prefix:   "svc:", // a certificate never names a user
	})
	if err != nil {
		log.Fatal(err)
	}
	s, err := certs.Authenticate(context.Background(), authntest.Request{ConnectionState: state, Peer: "198.51.100.7:50312"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.ID, s.Method, len(s.CredentialID))

	_, err = certs.Authenticate(context.Background(), authntest.Request{Peer: "198.51.100.7:50313"})
	fmt.Println(errors.Is(err, authn.ErrNoCredentials))
	// Output:
	// svc:spiffe://example.org/ns/prod/sa/billing client_certificate 64
	// true
}

// Behind a proxy that terminates TLS, the proxy forwards the client's
// certificate in a header, here as nginx's
// proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert. Only the
// proxy's header is read, and the certificate in it is verified again.
func ExampleConfig_forwardedHeader() {
	ca, billing := examplePKI("spiffe://example.org/ns/prod/sa/billing")
	certs, err := clientcert.New(clientcert.Config{
		Identity:        clientcert.SPIFFEID("example.org"),
		ForwardedHeader: "X-SSL-Client-Cert",
		TrustedProxies:  []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")},
		Roots:           ca.pool,
	})
	if err != nil {
		log.Fatal(err)
	}
	escaped := url.PathEscape(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: billing.Certificate[0]})))
	ctx := context.Background()

	s, err := certs.Authenticate(ctx, authntest.Request{Peer: "10.0.0.2:40112",
		Headers: map[string]string{"X-SSL-Client-Cert": escaped}})
	fmt.Println(s.ID, err)
	_, err = certs.Authenticate(ctx, authntest.Request{Peer: "203.0.113.9:40113",
		Headers: map[string]string{"X-SSL-Client-Cert": escaped}})
	fmt.Println(err)
	_, err = certs.Authenticate(ctx, authntest.Request{Peer: "10.0.0.2:40114",
		Headers: map[string]string{"X-SSL-Client-Cert": "forged"}})
	fmt.Println(errors.Is(err, authn.ErrInvalidCredentials))
	// Output:
	// spiffe://example.org/ns/prod/sa/billing <nil>
	// no credentials
	// true
}

// exampleCA is the CA of the examples, with a server certificate for
// api.example.org.
type exampleCA struct {
	pool       *x509.CertPool
	serverCert tls.Certificate
}

// examplePKI returns a CA and a client certificate it issued for the
// SPIFFE ID spiffeID, valid for an hour.
func examplePKI(spiffeID string) (exampleCA, tls.Certificate) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Example CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, _ := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	caCert, _ := x509.ParseCertificate(caDER)
	issue := func(serial int64, tmpl x509.Certificate, usage x509.ExtKeyUsage) tls.Certificate {
		key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl.SerialNumber, tmpl.NotBefore, tmpl.NotAfter = big.NewInt(serial), caTmpl.NotBefore, caTmpl.NotAfter
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{usage}
		der, err := x509.CreateCertificate(rand.Reader, &tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			log.Fatal(err)
		}
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	spiffe, _ := url.Parse(spiffeID)
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return exampleCA{pool: pool, serverCert: issue(2, x509.Certificate{DNSNames: []string{"api.example.org"}}, x509.ExtKeyUsageServerAuth)},
		issue(3, x509.Certificate{URIs: []*url.URL{spiffe}}, x509.ExtKeyUsageClientAuth)
}

// handshake runs a TLS handshake between a client and a server of the
// configurations given and returns the server's view of the connection.
func handshake(server, client *tls.Config) *tls.ConnectionState {
	serverConn, clientConn := net.Pipe()
	defer serverConn.Close()
	defer clientConn.Close()
	done := make(chan error, 1)
	go func() { done <- tls.Client(clientConn, client).Handshake() }()
	conn := tls.Server(serverConn, server)
	if err := conn.Handshake(); err != nil {
		log.Fatal(err)
	}
	if err := <-done; err != nil {
		log.Fatal(err)
	}
	state := conn.ConnectionState()
	return &state
}
