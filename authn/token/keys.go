package token

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Minimum key strengths. Shorter HMAC secrets and smaller RSA moduli can be
// brute-forced or factored within reach of a determined attacker.
const (
	// MinHMACSecretBytes is the shortest secret HS256 accepts: 256 bits, the
	// size of its SHA-256 output (RFC 7518 §3.2).
	MinHMACSecretBytes = 32
	// MinRSABits is the smallest RSA modulus RS256 accepts (RFC 7518 §3.3).
	MinRSABits = 2048
	// MaxKeyIDLength is the longest key id accepted.
	MaxKeyIDLength = 64
)

// Key is one named key that tokens are signed or verified with. It is made by
// HS256, RS256, RS256Public, EdDSA or EdDSAPublic; the zero Key is unusable.
// A Key is bound to one algorithm: Verify accepts a token only when the
// algorithm its header names is the algorithm of the key its kid names.
type Key struct {
	id     string
	method jwt.SigningMethod
	sign   any // nil for a verify-only key
	verify any
}

// ID returns the key id (kid) tokens signed with the key carry.
func (k Key) ID() string { return k.id }

// Algorithm returns the key's JWS algorithm: "HS256", "RS256" or "EdDSA"; ""
// for the zero Key.
func (k Key) Algorithm() string {
	if k.method == nil {
		return ""
	}
	return k.method.Alg()
}

// CanSign reports whether the key can sign tokens, rather than only verify
// them.
func (k Key) CanSign() bool { return k.sign != nil }

// HS256 returns a key that signs and verifies with HMAC-SHA256. The secret
// must hold at least MinHMACSecretBytes random bytes (else the error matches
// authn.ErrWeakSecret), and is copied. Anyone holding the secret can mint
// tokens, so every verifier is also an issuer: prefer RS256 or EdDSA when
// tokens are verified by services that should not issue them.
func HS256(kid string, secret []byte) (Key, error) {
	if err := checkKeyID(kid); err != nil {
		return Key{}, err
	}
	if len(secret) < MinHMACSecretBytes {
		return Key{}, fmt.Errorf("token: HS256 key %q: secret is %d bytes, want at least %d: %w",
			kid, len(secret), MinHMACSecretBytes, authn.ErrWeakSecret)
	}
	s := bytes.Clone(secret)
	return Key{id: kid, method: jwt.SigningMethodHS256, sign: s, verify: s}, nil
}

// RS256 returns a key that signs with RSASSA-PKCS1-v1_5 and SHA-256 and
// verifies with the key's public half. Keys under MinRSABits are refused
// with an error matching authn.ErrWeakSecret. The key is kept, not copied:
// do not modify it afterwards.
func RS256(kid string, key *rsa.PrivateKey) (Key, error) {
	if err := checkKeyID(kid); err != nil {
		return Key{}, err
	}
	if key == nil || key.N == nil {
		return Key{}, fmt.Errorf("token: RS256 key %q: nil key: %w", kid, ErrInvalidKey)
	}
	if err := checkRSASize(kid, &key.PublicKey); err != nil {
		return Key{}, err
	}
	if err := key.Validate(); err != nil {
		return Key{}, fmt.Errorf("token: RS256 key %q: %w: %w", kid, ErrInvalidKey, err)
	}
	return Key{id: kid, method: jwt.SigningMethodRS256, sign: key, verify: &key.PublicKey}, nil
}

// RS256Public returns a verify-only RS256 key: tokens signed by the matching
// private key verify, and the key can never sign. Keys under MinRSABits are
// refused with an error matching authn.ErrWeakSecret.
func RS256Public(kid string, key *rsa.PublicKey) (Key, error) {
	if err := checkKeyID(kid); err != nil {
		return Key{}, err
	}
	if key == nil || key.N == nil {
		return Key{}, fmt.Errorf("token: RS256 key %q: nil key: %w", kid, ErrInvalidKey)
	}
	if err := checkRSASize(kid, key); err != nil {
		return Key{}, err
	}
	if key.E < 3 || key.E%2 == 0 {
		return Key{}, fmt.Errorf("token: RS256 key %q: bad public exponent: %w", kid, ErrInvalidKey)
	}
	return Key{id: kid, method: jwt.SigningMethodRS256, verify: key}, nil
}

// EdDSA returns a key that signs with Ed25519 and verifies with the key's
// public half. The key is copied.
func EdDSA(kid string, key ed25519.PrivateKey) (Key, error) {
	if err := checkKeyID(kid); err != nil {
		return Key{}, err
	}
	if len(key) != ed25519.PrivateKeySize {
		return Key{}, fmt.Errorf("token: EdDSA key %q: private key is %d bytes, want %d: %w",
			kid, len(key), ed25519.PrivateKeySize, ErrInvalidKey)
	}
	// A private key is its seed followed by its public key; a mismatch would
	// sign tokens that no verifier accepts.
	// Compared in constant time, as every comparison of secret bytes.
	if !key.Equal(ed25519.NewKeyFromSeed(key.Seed())) {
		return Key{}, fmt.Errorf("token: EdDSA key %q: public half does not match the seed: %w", kid, ErrInvalidKey)
	}
	private := ed25519.PrivateKey(bytes.Clone(key))
	return Key{id: kid, method: jwt.SigningMethodEdDSA, sign: private, verify: private.Public().(ed25519.PublicKey)}, nil
}

// EdDSAPublic returns a verify-only Ed25519 key. The key is copied.
func EdDSAPublic(kid string, key ed25519.PublicKey) (Key, error) {
	if err := checkKeyID(kid); err != nil {
		return Key{}, err
	}
	if len(key) != ed25519.PublicKeySize {
		return Key{}, fmt.Errorf("token: EdDSA key %q: public key is %d bytes, want %d: %w",
			kid, len(key), ed25519.PublicKeySize, ErrInvalidKey)
	}
	return Key{id: kid, method: jwt.SigningMethodEdDSA, verify: ed25519.PublicKey(bytes.Clone(key))}, nil
}

// checkKeyID accepts 1 to MaxKeyIDLength printable ASCII characters without
// spaces, so a kid is safe to log and to compare byte for byte.
func checkKeyID(kid string) error {
	if kid == "" || len(kid) > MaxKeyIDLength {
		return fmt.Errorf("token: key id must be 1 to %d characters: %w", MaxKeyIDLength, ErrInvalidKey)
	}
	for i := 0; i < len(kid); i++ {
		if kid[i] < 0x21 || kid[i] > 0x7e {
			return fmt.Errorf("token: key id %q: use printable ASCII without spaces: %w", kid, ErrInvalidKey)
		}
	}
	return nil
}

func checkRSASize(kid string, key *rsa.PublicKey) error {
	if bits := key.N.BitLen(); bits < MinRSABits {
		return fmt.Errorf("token: RS256 key %q: %d bits, want at least %d: %w", kid, bits, MinRSABits, authn.ErrWeakSecret)
	}
	return nil
}
