package clientcert

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// subject returns the Subject of the client certificate that begins each
// of chains, the verified chains that are valid now: its id by
// Config.Identity, its fingerprint, and the time the first of them stops
// vouching for it.
func (a *Authenticator) subject(chains [][]*x509.Certificate) (authn.Subject, error) {
	leaf := chains[0][0]
	if leaf.IsCA {
		// A CA's certificate vouches for others; it names no client, and
		// a forwarded one is as public as any.
		return authn.Subject{}, fmt.Errorf("%w: a CA's certificate (%q) is no client's", ErrUnverified, leaf.Subject.CommonName)
	}
	id, err := a.cfg.Identity(leaf)
	switch {
	case errors.Is(err, authn.ErrNoCredentials):
		// A certificate was presented: it is refused, never passed over
		// by an authn.Chain for the next credential.
		return authn.Subject{}, fmt.Errorf("%w: %v", ErrNoIdentity, err)
	case errors.Is(err, ErrNoIdentity):
		return authn.Subject{}, err
	case err != nil:
		return authn.Subject{}, fmt.Errorf("%w: %w", ErrNoIdentity, err)
	}
	id = a.cfg.Prefix + id
	if problem := idProblem(id); problem != "" {
		return authn.Subject{}, fmt.Errorf("%w: %s", ErrNoIdentity, problem)
	}
	return authn.Subject{
		ID:           id,
		Method:       authn.MethodClientCertificate,
		CredentialID: Fingerprint(leaf),
		ExpiresAt:    expiry(chains),
	}, nil
}

// Fingerprint returns the SHA-256 digest of cert's DER encoding in lower
// case hex, the CredentialID of its Subject: what `openssl x509
// -fingerprint -sha256` prints, without the colons. A certificate holds no
// secret; its fingerprint names it in logs, and in a deny list of one's
// own.
func Fingerprint(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.Raw)
	return hex.EncodeToString(sum[:])
}

// expiry returns when the certificate that begins chains stops being
// vouched for: the latest, over chains, of the earliest NotAfter in each,
// which is the certificate's own NotAfter unless a CA that signed it
// expires first.
func expiry(chains [][]*x509.Certificate) time.Time {
	var latest time.Time
	for _, chain := range chains {
		earliest := chain[0].NotAfter
		for _, c := range chain[1:] {
			if c.NotAfter.Before(earliest) {
				earliest = c.NotAfter
			}
		}
		if earliest.After(latest) {
			latest = earliest
		}
	}
	return latest
}

// validAt reports whether every certificate of chain is valid at now.
func validAt(chain []*x509.Certificate, now time.Time) bool {
	for _, c := range chain {
		if now.Before(c.NotBefore) || now.After(c.NotAfter) {
			return false
		}
	}
	return len(chain) > 0
}
