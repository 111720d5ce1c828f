package clientcert

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Authenticator proves who is calling from a verified TLS client
// certificate. It implements authn.Authenticator and is safe for
// concurrent use; build it with New.
type Authenticator struct {
	cfg     Config
	proxies trustedProxies
}

// New checks cfg and returns an Authenticator, or an error matching
// ErrConfig.
func New(cfg Config) (*Authenticator, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Authenticator{cfg: cfg, proxies: newTrustedProxies(cfg.TrustedProxies)}, nil
}

// Authenticate implements authn.Authenticator. It reads the connection of
// req (authn.ConnectionCredentials; Credentials without it are taken for a
// connection without TLS from an unknown peer):
//
//   - from a peer in Config.TrustedProxies, with Config.ForwardedHeader set,
//     the certificate in that header, verified against Config.Roots; the
//     connection's own certificate, the proxy's, is not looked at;
//   - from any other peer, the certificate the TLS handshake verified,
//     and the header is ignored.
//
// It returns authn.ErrNoCredentials when there is no certificate to read;
// an error matching authn.ErrInvalidCredentials (and one of this package's
// errors) when the certificate is refused: unverified, expired, malformed
// or naming no usable id; and otherwise the Subject of Method
// authn.MethodClientCertificate.
func (a *Authenticator) Authenticate(_ context.Context, req authn.Credentials) (s authn.Subject, err error) {
	defer func() {
		// A forwarded certificate is hostile input, and Config.Identity
		// the application's code: should either make something panic, the
		// credential is refused and the process lives on.
		if p := recover(); p != nil {
			s, err = authn.Subject{}, fmt.Errorf("clientcert: the certificate could not be read: %w", authn.ErrInvalidCredentials)
		}
	}()
	conn, _ := req.(authn.ConnectionCredentials)
	if conn == nil {
		return authn.Subject{}, authn.ErrNoCredentials
	}
	if a.cfg.ForwardedHeader != "" && a.proxies.contains(conn.RemoteAddr()) {
		return a.forwarded(req)
	}
	return a.direct(conn.TLS())
}

// direct authenticates the client certificate of a TLS connection, which
// the server's tls.Config verified in the handshake, or did not.
func (a *Authenticator) direct(state *tls.ConnectionState) (authn.Subject, error) {
	if state == nil || len(state.PeerCertificates) == 0 {
		return authn.Subject{}, authn.ErrNoCredentials
	}
	if len(state.VerifiedChains) == 0 {
		// The handshake took the certificate without verifying it
		// (tls.RequestClientCert, tls.RequireAnyClientCert): anyone can
		// make one naming anyone.
		return authn.Subject{}, fmt.Errorf("%w: the TLS handshake did not verify it: set the server's tls.Config ClientAuth to tls.VerifyClientCertIfGiven or tls.RequireAndVerifyClientCert, with ClientCAs", ErrUnverified)
	}
	// A connection, and a resumed session, can outlive the certificates
	// verified when it began.
	now := a.cfg.Now()
	var current [][]*x509.Certificate
	for _, chain := range state.VerifiedChains {
		if validAt(chain, now) {
			current = append(current, chain)
		}
	}
	if len(current) == 0 {
		return authn.Subject{}, fmt.Errorf("%w: at %s", ErrExpired, now.UTC().Format(time.RFC3339))
	}
	return a.subject(current)
}

// forwarded authenticates the certificate of Config.ForwardedHeader, on a
// request from a trusted proxy.
func (a *Authenticator) forwarded(req authn.Credentials) (authn.Subject, error) {
	value, err := a.header(req)
	if err != nil {
		return authn.Subject{}, err
	}
	certs, err := parseForwarded(value)
	if err != nil {
		return authn.Subject{}, err
	}
	opts := x509.VerifyOptions{
		Roots:       a.cfg.Roots,
		CurrentTime: a.cfg.Now(),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	if len(certs) > 1 || a.cfg.Intermediates != nil {
		opts.Intermediates = x509.NewCertPool()
		if a.cfg.Intermediates != nil {
			opts.Intermediates = a.cfg.Intermediates.Clone()
		}
		for _, c := range certs[1:] {
			opts.Intermediates.AddCert(c)
		}
	}
	chains, err := certs[0].Verify(opts)
	if err != nil {
		if invalid := (x509.CertificateInvalidError{}); errors.As(err, &invalid) && invalid.Reason == x509.Expired {
			return authn.Subject{}, fmt.Errorf("%w: %w", ErrExpired, err)
		}
		return authn.Subject{}, fmt.Errorf("%w: %w", ErrUnverified, err)
	}
	return a.subject(chains)
}

// headerValues is implemented by Credentials that can list every value of
// a header, as the adapters' do.
type headerValues interface {
	HeaderValues(name string) []string
}

// header returns the one value of Config.ForwardedHeader;
// authn.ErrNoCredentials when it is absent or empty; ErrMalformed when it
// is sent more than once, which a proxy that sets it never does: one of
// them came from the client.
func (a *Authenticator) header(req authn.Credentials) (string, error) {
	var values []string
	if hv, ok := req.(headerValues); ok {
		values = hv.HeaderValues(a.cfg.ForwardedHeader)
	} else if v := req.Header(a.cfg.ForwardedHeader); v != "" {
		values = []string{v}
	}
	switch {
	case len(values) > 1:
		return "", fmt.Errorf("%w: header %s sent %d times", ErrMalformed, a.cfg.ForwardedHeader, len(values))
	case len(values) == 0 || values[0] == "":
		return "", authn.ErrNoCredentials
	}
	return values[0], nil
}
