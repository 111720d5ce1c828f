package clientcert

import (
	"crypto/x509"
	"fmt"
	"net/netip"
	"time"

	"github.com/gatehouse-go/gatehouse/internal/httpsyntax"
)

// Config configures an Authenticator. Identity is required; the forwarded
// certificate fields are for applications behind a proxy that terminates
// TLS, and go together.
type Config struct {
	// Identity picks the subject id out of a verified certificate:
	// SPIFFEID, URISAN, DNSSAN, EmailSAN, CommonName, DistinguishedName or
	// a function of one's own. Required: which field names a client
	// depends on the CA (a SPIFFE SVID's common name, if any, is nobody's
	// id), and a wrong guess would hand one client's grants to another.
	// The id it returns, Prefix included, must be at most MaxIDLength
	// bytes of printable UTF-8, without surrounding spaces, commas or
	// quotes; a certificate whose id is not is refused (ErrNoIdentity).
	Identity Identity
	// Prefix is put before every id, such as "svc:", so that a certificate
	// cannot name a user, or a role, by having the CA write its name:
	// without one, a certificate whose common name is "alice" is alice,
	// with her grants. Default "": certificates and other credentials
	// share one namespace, which is what an application wants whose users
	// hold certificates naming their ids. It must follow Identity's rules.
	Prefix string

	// ForwardedHeader names the request header in which a proxy that
	// terminates TLS forwards the client's certificate, such as
	// "X-SSL-Client-Cert" set by nginx's
	// proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert, or
	// Traefik's "X-Forwarded-Tls-Client-Cert". It is read only on requests
	// whose connection comes from TrustedProxies, and must be set by the
	// proxy on every request, replacing any the client sent: a
	// certificate is public, so whoever can put one in the header is its
	// holder as far as the application can tell. Default "": only the
	// certificates of TLS connections to the application count.
	ForwardedHeader string
	// TrustedProxies are the networks of the proxies that set
	// ForwardedHeader; required with it, and only read with it. List
	// exactly the proxies in front of the application, usually those of
	// guard.Config.TrustedProxies; IPv4 addresses mapped into IPv6 are
	// compared as IPv4. The header of a request from any other peer is
	// ignored, as if absent. A request from one of them is judged by the
	// header alone, never by the certificate of its own TLS connection,
	// which is the proxy's.
	TrustedProxies []netip.Prefix
	// Roots are the certificate authorities a forwarded certificate must
	// chain to; required with ForwardedHeader, as crypto/x509 would
	// otherwise trust the system's roots, every public CA. The proxy may
	// have checked it already, or not (nginx's ssl_verify_client
	// optional_no_ca): it is verified again, for client authentication
	// (ExtKeyUsageClientAuth), at Now. Certificates of the application's
	// own TLS connections are verified by the server's tls.Config
	// (ClientCAs), not by Roots.
	Roots *x509.CertPool
	// Intermediates are certificates that may vouch for a forwarded one
	// between it and Roots, besides those the proxy forwards with it.
	// Default none.
	Intermediates *x509.CertPool

	// Now returns the current time; nil means time.Now. Certificates are
	// valid, and chains verified, at Now; tests set it to a fake clock.
	Now func() time.Time
}

// withDefaults returns c with its zero fields filled in, or an error
// matching ErrConfig when a field cannot be used.
func (c Config) withDefaults() (Config, error) {
	if c.Identity == nil {
		return Config{}, fmt.Errorf("%w: Identity is required: say which field of a certificate names the client", ErrConfig)
	}
	if c.Prefix != "" {
		if problem := idProblem(c.Prefix); problem != "" {
			return Config{}, fmt.Errorf("%w: Prefix: %s", ErrConfig, problem)
		}
	}
	if c.ForwardedHeader == "" {
		if len(c.TrustedProxies) > 0 || c.Roots != nil || c.Intermediates != nil {
			return Config{}, fmt.Errorf("%w: TrustedProxies, Roots and Intermediates are for forwarded certificates: set ForwardedHeader too, or none of them", ErrConfig)
		}
	} else {
		switch {
		case !httpsyntax.IsToken(c.ForwardedHeader):
			return Config{}, fmt.Errorf("%w: ForwardedHeader %q is not a valid HTTP header name", ErrConfig, c.ForwardedHeader)
		case len(c.TrustedProxies) == 0:
			return Config{}, fmt.Errorf("%w: ForwardedHeader needs TrustedProxies: the header is read only from them", ErrConfig)
		case c.Roots == nil:
			return Config{}, fmt.Errorf("%w: ForwardedHeader needs Roots to verify forwarded certificates against", ErrConfig)
		}
		for _, p := range c.TrustedProxies {
			if !p.IsValid() {
				return Config{}, fmt.Errorf("%w: TrustedProxies holds an invalid prefix %q", ErrConfig, p)
			}
		}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
