package clientcert

import (
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
)

// MaxForwardedSize is the longest forwarded certificate header accepted, in
// bytes as sent: room for a client certificate and a few intermediates,
// escaped. A longer one is refused (ErrMalformed) before it is decoded.
const MaxForwardedSize = 16 << 10

// maxForwardedCerts bounds the certificates one header may hold: the
// client's and the intermediates that vouch for it.
const maxForwardedCerts = 8

// parseForwarded decodes the value of a forwarded certificate header into
// the client's certificate followed by any intermediates the proxy sent.
// It reads the two forms proxies send, both URL-escaped:
//
//   - PEM, as nginx's $ssl_client_escaped_cert sends it:
//     "-----BEGIN%20CERTIFICATE-----%0AMIIB…", certificates one after the
//     other, their line breaks escaped, turned into spaces or removed;
//   - base64 DER without PEM's armour, certificates separated by commas, as
//     Traefik's PassTLSClientCert sends it: "MIIB…%3D%3D,MIIC…".
//
// '+' is read as itself, not as a space: base64 holds it, and proxies that
// escape for URL paths leave it alone.
func parseForwarded(value string) ([]*x509.Certificate, error) {
	if len(value) > MaxForwardedSize {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxForwardedSize)
	}
	text, err := url.PathUnescape(value)
	if err != nil {
		return nil, fmt.Errorf("%w: not URL-escaped: %w", ErrMalformed, err)
	}
	var ders [][]byte
	if strings.HasPrefix(strings.TrimSpace(text), "-----BEGIN") {
		ders, err = pemCertificates(text)
	} else {
		ders, err = base64Certificates(text)
	}
	if err != nil {
		return nil, err
	}
	if len(ders) > maxForwardedCerts {
		return nil, fmt.Errorf("%w: more than %d certificates", ErrMalformed, maxForwardedCerts)
	}
	certs := make([]*x509.Certificate, 0, len(ders))
	for _, der := range ders {
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		certs = append(certs, cert)
	}
	return certs, nil
}

// The armour of a PEM certificate.
const (
	pemBegin = "-----BEGIN CERTIFICATE-----"
	pemEnd   = "-----END CERTIFICATE-----"
)

// pemCertificates returns the DER of each PEM certificate of text, which
// may hold nothing else. Whitespace in a certificate's body is dropped, so
// that PEM whose line breaks a proxy turned into spaces, or removed, reads
// as well: a header cannot carry line breaks unescaped.
func pemCertificates(text string) ([][]byte, error) {
	var ders [][]byte
	for rest := strings.TrimSpace(text); rest != ""; rest = strings.TrimSpace(rest) {
		body, ok := strings.CutPrefix(rest, pemBegin)
		if ok {
			body, rest, ok = strings.Cut(body, pemEnd)
		}
		if !ok {
			return nil, fmt.Errorf("%w: not PEM certificates", ErrMalformed)
		}
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
		if err != nil || len(der) == 0 {
			return nil, fmt.Errorf("%w: a PEM certificate's body is not base64", ErrMalformed)
		}
		ders = append(ders, der)
	}
	return ders, nil
}

// base64Certificates returns the DER of each comma-separated base64 value
// of text.
func base64Certificates(text string) ([][]byte, error) {
	var ders [][]byte
	for part := range strings.SplitSeq(text, ",") {
		der, err := base64.StdEncoding.DecodeString(strings.TrimSpace(part))
		if err != nil || len(der) == 0 {
			return nil, fmt.Errorf("%w: neither PEM nor base64 DER", ErrMalformed)
		}
		ders = append(ders, der)
	}
	return ders, nil
}
