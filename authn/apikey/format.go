package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Scheme begins every key, so that people and secret scanners recognise a
// gatehouse key wherever it is pasted.
const Scheme = "ghk_"

// MaxKeyLength is the longest input Verify reads. Anything longer is refused
// before it is hashed or looked up, so oversized headers cost nothing.
const MaxKeyLength = 200

const (
	// prefixBytes of randomness give prefixLength base32 characters (40
	// bits): enough that random prefixes rarely collide, and Create
	// draws again when one does.
	prefixBytes  = 5
	prefixLength = 8
	// secretBytes is the key's entropy, the part that must be guessed.
	secretBytes  = 32
	secretLength = 43 // base64url without padding of secretBytes
	keyLength    = len(Scheme) + prefixLength + 1 + secretLength

	idPrefix   = "key_"
	idBytes    = 8
	idLength   = len(idPrefix) + 2*idBytes
	hashLength = 2 * sha256.Size
)

// prefixEncoding writes prefixes in lower-case RFC 4648 base32hex
// (0-9, a-v): no padding, no separator characters, safe in any URL or file
// name.
var prefixEncoding = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// secretEncoding writes secrets in base64url without padding, and rejects
// non-canonical encodings when parsing, so each secret has one spelling.
var secretEncoding = base64.RawURLEncoding.Strict()

// errMalformed is wrapped, together with authn.ErrInvalidAPIKey, by every
// parse failure.
var errMalformed = errors.New("malformed key")

// parsedKey is a key that has the right shape; whether it is genuine is for
// the store to say.
type parsedKey struct {
	prefix string
	hash   string // SHA-256 hex of the whole key
}

// newKey draws a fresh prefix and secret and returns the whole key.
func newKey() (prefix, plain string, err error) {
	p := make([]byte, prefixBytes)
	if _, err := rand.Read(p); err != nil {
		return "", "", fmt.Errorf("apikey: generate prefix: %w", err)
	}
	s := make([]byte, secretBytes)
	if _, err := rand.Read(s); err != nil {
		return "", "", fmt.Errorf("apikey: generate secret: %w", err)
	}
	prefix = prefixEncoding.EncodeToString(p)
	return prefix, Scheme + prefix + "_" + secretEncoding.EncodeToString(s), nil
}

// newID returns a random key id, "key_" and 16 lower-case hex digits. Ids
// are random rather than sequential so that they reveal nothing about how
// many keys exist.
func newID() (string, error) {
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("apikey: generate id: %w", err)
	}
	return idPrefix + hex.EncodeToString(b), nil
}

// hashKey returns the SHA-256 of the whole key in hex. A fast hash is right
// here: the secret is 256 random bits, which no amount of hashing speed lets
// anyone guess, unlike a password.
func hashKey(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// parseKey checks plain's shape and returns its prefix and hash. It reads
// nothing from storage.
func parseKey(plain string) (parsedKey, error) {
	switch {
	case len(plain) > MaxKeyLength:
		return parsedKey{}, fmt.Errorf("%w: longer than %d bytes", errMalformed, MaxKeyLength)
	case plain == "":
		return parsedKey{}, fmt.Errorf("%w: empty", errMalformed)
	case !strings.HasPrefix(plain, Scheme):
		return parsedKey{}, fmt.Errorf("%w: does not begin with %q", errMalformed, Scheme)
	case len(plain) != keyLength:
		return parsedKey{}, fmt.Errorf("%w: wrong length", errMalformed)
	}
	rest := plain[len(Scheme):]
	prefix, sep, secret := rest[:prefixLength], rest[prefixLength], rest[prefixLength+1:]
	if sep != '_' || !isPrefix(prefix) {
		return parsedKey{}, fmt.Errorf("%w: bad prefix", errMalformed)
	}
	if raw, err := secretEncoding.DecodeString(secret); err != nil || len(raw) != secretBytes {
		return parsedKey{}, fmt.Errorf("%w: bad secret encoding", errMalformed)
	}
	return parsedKey{prefix: prefix, hash: hashKey(plain)}, nil
}

// isPrefix reports whether s is spelled as newKey spells prefixes.
func isPrefix(s string) bool {
	if len(s) != prefixLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'v') {
			return false
		}
	}
	return true
}

// isID reports whether s is spelled as newID spells ids, so that lookups of
// anything else are answered without a query.
func isID(s string) bool {
	if len(s) != idLength || !strings.HasPrefix(s, idPrefix) {
		return false
	}
	_, err := hex.DecodeString(s[len(idPrefix):])
	return err == nil && strings.ToLower(s) == s
}
