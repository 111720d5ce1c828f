package clientcert

import (
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxIDLength is the longest subject id, Config.Prefix included, in bytes:
// authz.MaxNameLength, the longest name a policy holds. A longer id could
// never be granted anything, so its certificate is refused at once.
const MaxIDLength = 100

// Identity picks the subject id out of a client certificate that has been
// verified: a field its CA vouches for. It returns an error, preferably one
// matching ErrNoIdentity, when the certificate does not name exactly one
// id; the certificate is refused then, with an error matching
// ErrNoIdentity, never as absent. The Authenticator checks the id it
// returns too (see Config.Identity).
//
// The ready-made Identities are SPIFFEID, URISAN, DNSSAN, EmailSAN,
// CommonName and DistinguishedName. Each refuses a certificate that gives
// its field more than once rather than pick one: which comes first is the
// CA's choice, not the application's.
type Identity func(cert *x509.Certificate) (string, error)

// SPIFFEID returns the Identity of a SPIFFE X.509-SVID: the certificate's
// only URI SAN, a SPIFFE ID ("spiffe://example.org/ns/prod/sa/billing")
// of trustDomain ("example.org"; "" for any). The SPIFFE specification
// allows an SVID one URI SAN, so a certificate with several is refused, as
// is a SPIFFE ID of another trust domain, without a path (the trust
// domain's own), or with a port, user, query or fragment.
func SPIFFEID(trustDomain string) Identity {
	return func(cert *x509.Certificate) (string, error) {
		switch len(cert.URIs) {
		case 0:
			return "", fmt.Errorf("%w: no URI SAN", ErrNoIdentity)
		case 1:
		default:
			return "", fmt.Errorf("%w: %d URI SANs; a SPIFFE SVID has one", ErrNoIdentity, len(cert.URIs))
		}
		u := cert.URIs[0]
		switch {
		case u.Scheme != "spiffe" || u.Host == "" || u.Opaque != "":
			return "", fmt.Errorf("%w: URI SAN %q is no SPIFFE ID", ErrNoIdentity, u.Redacted())
		case u.User != nil || u.Port() != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
			return "", fmt.Errorf("%w: SPIFFE ID %q has a user, port, query or fragment", ErrNoIdentity, u.Redacted())
		case trustDomain != "" && u.Host != trustDomain:
			return "", fmt.Errorf("%w: SPIFFE ID %q is not of trust domain %q", ErrNoIdentity, u.Redacted(), trustDomain)
		case u.Path == "" || u.Path == "/":
			return "", fmt.Errorf("%w: SPIFFE ID %q names a trust domain, not a workload", ErrNoIdentity, u.Redacted())
		}
		return u.String(), nil
	}
}

// URISAN returns the Identity that is the certificate's one URI SAN
// starting with prefix ("https://id.example.com/"; "" for any). End a
// prefix naming a host with "/": "https://id.example.com" also matches
// "https://id.example.com.evil.test/". URIs not starting with prefix are
// passed over, so that a certificate may carry others; more than one
// starting with it is refused.
func URISAN(prefix string) Identity {
	return func(cert *x509.Certificate) (string, error) {
		var matches []string
		for _, u := range cert.URIs {
			if s := u.String(); strings.HasPrefix(s, prefix) {
				matches = append(matches, s)
			}
		}
		return only("URI SAN", fmt.Sprintf("starting with %q", prefix), matches)
	}
}

// DNSSAN returns the Identity that is the certificate's one DNS name SAN
// in domain: domain itself or a name under it ("billing.svc.example.com"
// under "svc.example.com"), compared without regard to case; "" for any.
// Names outside domain are passed over; more than one inside it is
// refused, and so is a wildcard ("*.svc.example.com"), which names no one
// client. The name is returned as the certificate writes it.
func DNSSAN(domain string) Identity {
	domain = strings.TrimPrefix(domain, ".")
	return func(cert *x509.Certificate) (string, error) {
		var matches []string
		for _, name := range cert.DNSNames {
			if inDomain(name, domain) {
				matches = append(matches, name)
			}
		}
		name, err := only("DNS SAN", fmt.Sprintf("in domain %q", domain), matches)
		if err == nil && strings.Contains(name, "*") {
			return "", fmt.Errorf("%w: DNS SAN %q is a wildcard", ErrNoIdentity, name)
		}
		return name, err
	}
}

// EmailSAN returns the Identity that is the certificate's one email
// address SAN at domain ("example.com", compared without regard to case;
// "" for any). Addresses at other domains are passed over; more than one
// at domain is refused. The address is returned as the certificate writes
// it.
func EmailSAN(domain string) Identity {
	return func(cert *x509.Certificate) (string, error) {
		var matches []string
		for _, addr := range cert.EmailAddresses {
			at := strings.LastIndexByte(addr, '@')
			if at > 0 && (domain == "" || strings.EqualFold(addr[at+1:], domain)) {
				matches = append(matches, addr)
			}
		}
		return only("email SAN", fmt.Sprintf("at domain %q", domain), matches)
	}
}

// oidCommonName is the attribute type of a common name, 2.5.4.3.
var oidCommonName = asn1.ObjectIdentifier{2, 5, 4, 3}

// CommonName is the Identity that is the common name (CN) of the
// certificate's subject. A subject with several common names is refused;
// crypto/x509 would keep the last.
func CommonName(cert *x509.Certificate) (string, error) {
	var names []string
	for _, attr := range cert.Subject.Names {
		if !attr.Type.Equal(oidCommonName) {
			continue
		}
		name, ok := attr.Value.(string)
		if !ok {
			return "", fmt.Errorf("%w: the subject's common name is not a string", ErrNoIdentity)
		}
		names = append(names, name)
	}
	return only("common name", "in the subject", names)
}

// only returns the one match of a field of kind ("URI SAN") that is where
// ("starting with …"), or an error when there are none or several.
func only(kind, where string, matches []string) (string, error) {
	switch len(matches) {
	case 0:
		return "", fmt.Errorf("%w: no %s %s", ErrNoIdentity, kind, where)
	case 1:
		return matches[0], nil
	}
	return "", fmt.Errorf("%w: %d %ss %s: which one names the client is ambiguous", ErrNoIdentity, len(matches), kind, where)
}

// inDomain reports whether the DNS name is domain or a name under it, by
// labels, without regard to case; every name is in domain "".
func inDomain(name, domain string) bool {
	if domain == "" {
		return true
	}
	if len(name) == len(domain) {
		return strings.EqualFold(name, domain)
	}
	return len(name) > len(domain) && name[len(name)-len(domain)-1] == '.' &&
		strings.EqualFold(name[len(name)-len(domain):], domain)
}

// idProblem says what makes id, Config.Prefix included, no subject id a
// policy could name and a log print plainly, or returns "" when nothing
// does: empty, longer than MaxIDLength, not UTF-8, with surrounding
// spaces, with characters that are not printable (controls, format
// characters such as bidirectional overrides, spaces other than U+0020),
// or with the comma or quote that delimit policy lines.
func idProblem(id string) string {
	switch {
	case id == "":
		return "empty id"
	case len(id) > MaxIDLength:
		return fmt.Sprintf("id longer than %d bytes", MaxIDLength)
	case !utf8.ValidString(id):
		return fmt.Sprintf("id %q is not valid UTF-8", id)
	}
	first, _ := utf8.DecodeRuneInString(id)
	last, _ := utf8.DecodeLastRuneInString(id)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return fmt.Sprintf("id %q has surrounding spaces", id)
	}
	for _, r := range id {
		if !unicode.IsPrint(r) || r == ',' || r == '"' {
			return fmt.Sprintf("id %q contains %q", id, r)
		}
	}
	return ""
}
