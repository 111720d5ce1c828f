package totp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// sealVersion is the first byte of a sealed secret: the format below, so
// that a later one (another algorithm, a key id for rotation) can be told
// apart.
const sealVersion = 1

// sealer seals secrets with AES-256-GCM. A sealed secret is
//
//	version (1 byte) | nonce (12 bytes) | ciphertext and tag (SecretSize+16 bytes)
//
// with a random nonce per seal and the user id as additional data: it
// opens only for the user it was sealed for, so a record copied to another
// user's row is refused, and sealing one secret twice gives two different
// values. Random 96-bit nonces are safe for 2^32 seals under one key, far
// more enrolments than any application makes.
type sealer struct {
	aead cipher.AEAD
}

func newSealer(key []byte) (sealer, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return sealer{}, fmt.Errorf("%w: key: %w", ErrConfig, err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return sealer{}, fmt.Errorf("%w: key: %w", ErrConfig, err)
	}
	return sealer{aead: aead}, nil
}

// seal returns secret sealed for userID.
func (s sealer) seal(userID string, secret []byte) ([]byte, error) {
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, fmt.Errorf("totp: draw a nonce: %w", err)
	}
	return s.aead.Seal(out, out[1:], secret, []byte(userID)), nil
}

// open returns the secret sealed for userID, or an error matching
// ErrCorruptSecret.
func (s sealer) open(userID string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < 1+n+s.aead.Overhead() || sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: not a sealed secret of this version", ErrCorruptSecret)
	}
	secret, err := s.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte(userID))
	if err != nil {
		return nil, fmt.Errorf("%w: wrong key, or sealed for another user", ErrCorruptSecret)
	}
	if len(secret) != SecretSize {
		return nil, fmt.Errorf("%w: secret is %d bytes, not %d", ErrCorruptSecret, len(secret), SecretSize)
	}
	return secret, nil
}
