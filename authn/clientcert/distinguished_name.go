package clientcert

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"strings"
)

// DistinguishedName is the Identity that is the certificate's whole
// subject, written as OpenSSL's one-line form does, in the certificate's
// order: "/C=DE/O=Example/OU=Billing/CN=invoicer", with "+" between the
// attributes of a multi-valued RDN. It is not RFC 4514's
// "CN=invoicer,OU=Billing,O=Example,C=DE", whose commas delimit policy
// lines, so that no policy could name it. Attribute types are written by
// their usual short names (C, ST, L, STREET, O, OU, CN, serialNumber,
// postalCode, DC, UID, emailAddress), others by their dotted OID. A
// subject that is empty, holds a value that is not a string, or a value
// with "/" or "+", which would read as another subject, is refused.
func DistinguishedName(cert *x509.Certificate) (string, error) {
	var rdns pkix.RDNSequence
	rest, err := asn1.Unmarshal(cert.RawSubject, &rdns)
	switch {
	case err != nil || len(rest) > 0:
		return "", fmt.Errorf("%w: the subject cannot be parsed", ErrNoIdentity)
	case len(rdns) == 0:
		return "", fmt.Errorf("%w: the subject is empty", ErrNoIdentity)
	}
	var b strings.Builder
	for _, rdn := range rdns {
		if len(rdn) == 0 {
			return "", fmt.Errorf("%w: the subject has an empty RDN", ErrNoIdentity)
		}
		for i, attr := range rdn {
			value, ok := attr.Value.(string)
			if !ok {
				return "", fmt.Errorf("%w: subject attribute %s is not a string", ErrNoIdentity, attr.Type)
			}
			if strings.ContainsAny(value, "/+") {
				return "", fmt.Errorf("%w: subject attribute %s value %q holds / or +", ErrNoIdentity, attr.Type, value)
			}
			if i == 0 {
				b.WriteByte('/')
			} else {
				b.WriteByte('+')
			}
			b.WriteString(attributeName(attr.Type))
			b.WriteByte('=')
			b.WriteString(value)
		}
	}
	return b.String(), nil
}

// attributeNames are the short names of the attribute types subjects use,
// by dotted OID, as OpenSSL writes them.
var attributeNames = map[string]string{
	"2.5.4.3":                    "CN",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.6":                    "C",
	"2.5.4.7":                    "L",
	"2.5.4.8":                    "ST",
	"2.5.4.9":                    "STREET",
	"2.5.4.10":                   "O",
	"2.5.4.11":                   "OU",
	"2.5.4.17":                   "postalCode",
	"0.9.2342.19200300.100.1.1":  "UID",
	"0.9.2342.19200300.100.1.25": "DC",
	"1.2.840.113549.1.9.1":       "emailAddress",
}

// attributeName returns the short name of an attribute type, or its
// dotted OID.
func attributeName(oid asn1.ObjectIdentifier) string {
	s := oid.String()
	if name, ok := attributeNames[s]; ok {
		return name
	}
	return s
}
