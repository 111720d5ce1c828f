package password

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
)

// MinPepperLength is the shortest pepper Peppered accepts, in bytes: 256
// bits, the size of HMAC-SHA256's output, and the floor every secret of
// gatehouse is held to.
const MinPepperLength = 32

// pepperPrefix marks the hashes a Peppered hasher makes; the inner
// hasher's own encoding follows it unchanged, such as
// "$pepper$$argon2id$v=19$m=19456,t=2,p=1$…".
const pepperPrefix = "$pepper$"

// PepperOption changes how a Peppered hasher treats hashes made without
// its pepper.
type PepperOption func(*pepperedHasher)

// AcceptUnpeppered lets a Peppered hasher verify hashes made before the
// pepper was introduced, with the password as it is, and reports that they
// need rehashing, so that each is replaced by a peppered hash at its
// owner's next successful login (package users does this by itself).
//
// Use it while moving an existing user base to a pepper, and remove it
// once no stored hash lacks the "$pepper$" prefix: while it is on, the
// hashes not yet replaced can be cracked offline as before, and anyone who
// can write to the password table can plant an unpeppered hash of a
// password of their choosing, the attack a pepper otherwise stops.
func AcceptUnpeppered() PepperOption {
	return func(h *pepperedHasher) { h.acceptUnpeppered = true }
}

// pepperedHasher is the Hasher Peppered returns.
type pepperedHasher struct {
	inner            Hasher
	pepper           []byte
	acceptUnpeppered bool
}

// Peppered returns a Hasher that mixes a secret pepper, kept outside the
// database, into every password before h hashes it (OWASP ASVS 4.0.3
// requirement 2.4.5): someone who steals the password table but not the
// pepper cannot test a single guess against it.
//
// The password is replaced by the HMAC-SHA256 of it keyed by pepper, in
// standard base64 (44 bytes), which h hashes with its own salt and
// parameters. So every password the Rules allow fits bcrypt's 72 bytes,
// NUL bytes included, and the returned Hasher does not implement Accepter.
// Its hashes are h's prefixed with "$pepper$". The package-level Verify,
// and any hasher not given the pepper, refuse them with an error matching
// ErrMalformedHash, so a service that lost its pepper fails loudly rather
// than lets nobody in quietly.
//
// Verify reads a peppered hash of any algorithm the package reads, so h
// can change, from bcrypt to Argon2id or to stronger parameters, under the
// same pepper; NeedsRehash asks h about the hash behind the prefix, and a
// stored hash is replaced at its owner's next login as without a pepper.
// A hash made without the pepper is refused (see AcceptUnpeppered for
// moving an existing user base to a pepper): Verify does the same hashing
// work as for a peppered one, so that the time taken does not single out
// such an account, then reports (false, error matching ErrMalformedHash),
// and NeedsRehash reports true.
//
// The pepper must be at least MinPepperLength random bytes; a shorter one
// is refused with an error matching authn.ErrWeakSecret and
// ErrInvalidParameters, as is a nil h. Peppered copies it. Keep it where
// the database and its backups are not, such as a secrets manager. It
// cannot be changed or dropped without every user choosing a new password:
// losing it, or changing it, makes every peppered hash unverifiable.
func Peppered(h Hasher, pepper []byte, opts ...PepperOption) (Hasher, error) {
	if h == nil {
		return nil, fmt.Errorf("password: peppered: %w: nil Hasher", ErrInvalidParameters)
	}
	if len(pepper) < MinPepperLength {
		return nil, fmt.Errorf("password: peppered: %w: pepper of %d bytes, want at least %d: %w",
			ErrInvalidParameters, len(pepper), MinPepperLength, authn.ErrWeakSecret)
	}
	p := &pepperedHasher{inner: h, pepper: append([]byte(nil), pepper...)}
	for _, opt := range opts {
		opt(p)
	}
	return p, nil
}

// Hash implements Hasher.
func (p *pepperedHasher) Hash(password string) (string, error) {
	encoded, err := p.inner.Hash(p.mix(password))
	if err != nil {
		return "", err
	}
	return pepperPrefix + encoded, nil
}

// Verify implements Hasher.
func (p *pepperedHasher) Verify(encoded, password string) (bool, error) {
	if inner, ok := strings.CutPrefix(encoded, pepperPrefix); ok {
		return p.inner.Verify(inner, p.mix(password))
	}
	if p.acceptUnpeppered {
		return p.inner.Verify(encoded, password)
	}
	// The result cannot be true: encoded was made from a password, not
	// from an HMAC of one.
	_, _ = p.inner.Verify(encoded, p.mix(password))
	return false, fmt.Errorf("password: %w: hash made without the pepper", ErrMalformedHash)
}

// NeedsRehash implements Hasher.
func (p *pepperedHasher) NeedsRehash(encoded string) bool {
	inner, ok := strings.CutPrefix(encoded, pepperPrefix)
	return !ok || p.inner.NeedsRehash(inner)
}

// mix returns what the inner hasher hashes in place of password.
func (p *pepperedHasher) mix(password string) string {
	mac := hmac.New(sha256.New, p.pepper)
	mac.Write([]byte(password))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
