package clientcert_test

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/clientcert"
)

// Each Identity takes its field when the certificate gives it once, and
// refuses the certificate when the field is missing, given more than once
// or not a printable id a policy could name.
func TestIdentity(t *testing.T) {
	t.Parallel()
	uris := func(raw ...string) []*url.URL {
		var us []*url.URL
		for _, r := range raw {
			us = append(us, mustURL(t, r))
		}
		return us
	}
	spiffe := clientcert.SPIFFEID("example.org")
	for name, tc := range map[string]struct {
		cert     x509.Certificate
		identity clientcert.Identity
		prefix   string
		want     string // "" when refused
	}{
		"SPIFFE ID": {x509.Certificate{URIs: uris("spiffe://example.org/ns/prod/sa/billing")}, spiffe, "",
			"spiffe://example.org/ns/prod/sa/billing"},
		"SPIFFE ID of any trust domain": {x509.Certificate{URIs: uris("spiffe://other.test/billing")}, clientcert.SPIFFEID(""), "",
			"spiffe://other.test/billing"},
		"SPIFFE ID, prefixed":               {x509.Certificate{URIs: uris("spiffe://example.org/billing")}, spiffe, "svc:", "svc:spiffe://example.org/billing"},
		"SPIFFE ID of another trust domain": {x509.Certificate{URIs: uris("spiffe://example.org.evil.test/billing")}, spiffe, "", ""},
		"SPIFFE SVID with two URIs":         {x509.Certificate{URIs: uris("spiffe://example.org/a", "https://example.org/b")}, spiffe, "", ""},
		"SPIFFE ID with a port":             {x509.Certificate{URIs: uris("spiffe://example.org:8443/billing")}, spiffe, "", ""},
		"SPIFFE ID of the trust domain":     {x509.Certificate{URIs: uris("spiffe://example.org")}, spiffe, "", ""},
		"SPIFFE ID with a query":            {x509.Certificate{URIs: uris("spiffe://example.org/billing?admin=1")}, spiffe, "", ""},
		"no SPIFFE ID":                      {x509.Certificate{URIs: uris("https://example.org/billing")}, spiffe, "", ""},
		"no URI at all":                     {named("billing"), spiffe, "", ""},

		"URI SAN by prefix, others passed over": {x509.Certificate{URIs: uris("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
			"https://id.example.com/services/billing")}, clientcert.URISAN("https://id.example.com/"), "",
			"https://id.example.com/services/billing"},
		"two URI SANs by prefix": {x509.Certificate{URIs: uris("https://id.example.com/a", "https://id.example.com/b")},
			clientcert.URISAN("https://id.example.com/"), "", ""},
		"no URI SAN by prefix": {x509.Certificate{URIs: uris("https://id.example.com.evil.test/a")},
			clientcert.URISAN("https://id.example.com/"), "", ""},

		"DNS SAN in a domain, others passed over": {x509.Certificate{DNSNames: []string{"billing.example.net", "billing.svc.example.com"}},
			clientcert.DNSSAN("svc.example.com"), "", "billing.svc.example.com"},
		"DNS SAN, the domain itself": {x509.Certificate{DNSNames: []string{"svc.example.com"}}, clientcert.DNSSAN("svc.example.com"), "", "svc.example.com"},
		"DNS SAN as written, domain in another case": {x509.Certificate{DNSNames: []string{"Billing.SVC.example.com"}},
			clientcert.DNSSAN("svc.EXAMPLE.com"), "", "Billing.SVC.example.com"},
		"DNS SAN only ending like the domain": {x509.Certificate{DNSNames: []string{"evilsvc.example.com"}}, clientcert.DNSSAN("svc.example.com"), "", ""},
		"two DNS SANs in the domain": {x509.Certificate{DNSNames: []string{"a.svc.example.com", "b.svc.example.com"}},
			clientcert.DNSSAN("svc.example.com"), "", ""},
		"wildcard DNS SAN":      {x509.Certificate{DNSNames: []string{"*.svc.example.com"}}, clientcert.DNSSAN("svc.example.com"), "", ""},
		"DNS SAN of any domain": {x509.Certificate{DNSNames: []string{"billing.internal"}}, clientcert.DNSSAN(""), "host:", "host:billing.internal"},

		"email SAN at a domain": {x509.Certificate{EmailAddresses: []string{"ops@example.net", "billing@example.com"}},
			clientcert.EmailSAN("EXAMPLE.com"), "", "billing@example.com"},
		"two email SANs":      {x509.Certificate{EmailAddresses: []string{"a@example.com", "b@example.com"}}, clientcert.EmailSAN(""), "", ""},
		"no email SAN":        {named("billing"), clientcert.EmailSAN(""), "", ""},
		"email SAN elsewhere": {x509.Certificate{EmailAddresses: []string{"billing@example.com.evil.test"}}, clientcert.EmailSAN("example.com"), "", ""},

		"common name":           {named("invoicer"), clientcert.CommonName, "", "invoicer"},
		"common name, prefixed": {named("admin"), clientcert.CommonName, "svc:", "svc:admin"},
		"no common name":        {x509.Certificate{Subject: pkix.Name{Organization: []string{"Example"}}}, clientcert.CommonName, "", ""},
		"two common names": {x509.Certificate{Subject: pkix.Name{ExtraNames: []pkix.AttributeTypeAndValue{
			{Type: []int{2, 5, 4, 3}, Value: "invoicer"}, {Type: []int{2, 5, 4, 3}, Value: "admin"}}}}, clientcert.CommonName, "", ""},
		"common name with a newline":           {named("invoicer\nadmin"), clientcert.CommonName, "", ""},
		"common name with a bidi override":     {named("invoicer\u202enimda"), clientcert.CommonName, "", ""},
		"common name with a zero-width space":  {named("in\u200bvoicer"), clientcert.CommonName, "", ""},
		"common name with a comma":             {named("invoicer,admin"), clientcert.CommonName, "", ""},
		"common name with a quote":             {named(`invoicer"`), clientcert.CommonName, "", ""},
		"common name with surrounding space":   {named(" invoicer"), clientcert.CommonName, "", ""},
		"common name, longest":                 {named(strings.Repeat("n", clientcert.MaxIDLength)), clientcert.CommonName, "", strings.Repeat("n", clientcert.MaxIDLength)},
		"common name too long":                 {named(strings.Repeat("n", clientcert.MaxIDLength+1)), clientcert.CommonName, "", ""},
		"common name too long with the prefix": {named(strings.Repeat("n", clientcert.MaxIDLength-3)), clientcert.CommonName, "svc:", ""},
		"common name in Unicode":               {named("Zoë"), clientcert.CommonName, "", "Zoë"},

		"distinguished name": {x509.Certificate{Subject: pkix.Name{Country: []string{"DE"}, Organization: []string{"Example"},
			OrganizationalUnit: []string{"Billing"}, CommonName: "invoicer"}}, clientcert.DistinguishedName, "",
			"/C=DE/O=Example/OU=Billing/CN=invoicer"},
		"distinguished name, unknown attribute by OID": {x509.Certificate{Subject: pkix.Name{CommonName: "invoicer",
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: []int{1, 3, 6, 1, 4, 1, 99999, 1}, Value: "x"}}}},
			clientcert.DistinguishedName, "", "/CN=invoicer/1.3.6.1.4.1.99999.1=x"},
		"distinguished name with a slash in a value": {x509.Certificate{Subject: pkix.Name{Organization: []string{"Example/CN=admin"},
			CommonName: "invoicer"}}, clientcert.DistinguishedName, "", ""},
		"distinguished name with a plus in a value": {x509.Certificate{Subject: pkix.Name{CommonName: "a+O=b"}}, clientcert.DistinguishedName, "", ""},
		"empty distinguished name":                  {x509.Certificate{DNSNames: []string{"billing.internal"}}, clientcert.DistinguishedName, "", ""},

		"an Identity of one's own": {named("invoicer"), func(c *x509.Certificate) (string, error) {
			return strings.ToUpper(c.Subject.CommonName), nil
		}, "", "INVOICER"},
		"an Identity of one's own refusing": {named("invoicer"), func(*x509.Certificate) (string, error) {
			return "", errors.New("not on the list")
		}, "", ""},
		"an Identity of one's own naming no one": {named("invoicer"), func(*x509.Certificate) (string, error) { return "", nil }, "", ""},
		"an Identity of one's own finding no credentials": {named("invoicer"), func(*x509.Certificate) (string, error) {
			return "", authn.ErrNoCredentials
		}, "", ""},
	} {
		ca := newCA(t, "Services CA")
		cert := ca.issue(t, tc.cert)
		a := newAuthenticator(t, clientcert.Config{Identity: tc.identity, Prefix: tc.prefix})
		s, err := a.Authenticate(context.Background(), authntest.Request{ConnectionState: verified(cert, ca.cert)})
		if tc.want == "" {
			assert.ErrorIs(t, err, clientcert.ErrNoIdentity, name)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials, name)
			assert.NotErrorIs(t, err, authn.ErrNoCredentials, name, "a certificate was presented")
			assert.True(t, s.IsZero(), name)
			continue
		}
		if assert.NoError(t, err, name) {
			assert.Equal(t, tc.want, s.ID, name)
		}
	}
}

// The ready-made Identities, called on their own, say why they refuse a
// certificate, in an error matching ErrNoIdentity.
func TestIdentityErrorsSayWhy(t *testing.T) {
	t.Parallel()
	ca := newCA(t, "Services CA")
	cert := ca.issue(t, x509.Certificate{DNSNames: []string{"a.svc.example.com", "b.svc.example.com"}})
	_, err := clientcert.DNSSAN("svc.example.com")(cert)
	require.ErrorIs(t, err, clientcert.ErrNoIdentity)
	assert.Contains(t, err.Error(), "2 DNS SANs")
	_, err = clientcert.CommonName(cert)
	require.ErrorIs(t, err, clientcert.ErrNoIdentity)
	assert.Contains(t, err.Error(), "no common name")
}
