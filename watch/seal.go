package watch

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// ErrForged reports a message whose seal does not verify: it was not
// sealed with the store's key (another store's message, or one forged by
// whoever can publish on the channel), or it was altered.
var ErrForged = errors.New("watch: message not sealed with the store's key")

// ErrWeakKey reports a sealing key shorter than KeySize.
var ErrWeakKey = errors.New("watch: sealing key too short")

// KeySize is the least length of a sealing key, in bytes: 256 bits, as
// long as the MAC. NewKey makes keys of this length.
const KeySize = 32

// sealSize is the length of a seal and its separator: base64url of an
// HMAC-SHA256, then ".".
const sealSize = 44

// NewKey returns a random sealing key, hex-encoded for storing in a
// database column.
func NewKey() (string, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return "", fmt.Errorf("watch: generate a sealing key: %w", err)
	}
	return hex.EncodeToString(key), nil
}

// Seal authenticates payload with HMAC-SHA256 under key, which the
// replicas share through their store and never through the notifier, so
// that whoever can publish on a channel — anyone who reaches the Redis
// server, say — cannot make replicas apply an edit or a revocation nobody
// committed. The sealed message is the seal, ".", and payload, longer than
// payload by a fixed 44 bytes. The key must be at least KeySize bytes
// (CheckKey): Open refuses every message sealed with a shorter one.
func Seal(key []byte, payload string) string {
	return base64.RawURLEncoding.EncodeToString(mac(key, payload)) + "." + payload
}

// Open returns the payload of a message Seal made with key, or ErrForged.
// It compares seals in constant time. A key shorter than KeySize opens
// nothing: the error matches both ErrForged and ErrWeakKey.
func Open(key []byte, sealed string) (string, error) {
	if err := CheckKey(key); err != nil {
		return "", fmt.Errorf("%w: %w", ErrForged, err)
	}
	seal, payload, ok := strings.Cut(sealed, ".")
	if !ok {
		return "", ErrForged
	}
	got, err := base64.RawURLEncoding.DecodeString(seal)
	if err != nil || !hmac.Equal(got, mac(key, payload)) {
		return "", ErrForged
	}
	return payload, nil
}

// CheckKey returns an error matching ErrWeakKey when key is shorter than
// KeySize: a short key can be guessed, and whoever guesses it can seal
// messages the replicas would act on.
func CheckKey(key []byte) error {
	if len(key) < KeySize {
		return fmt.Errorf("%w: %d bytes, want at least %d", ErrWeakKey, len(key), KeySize)
	}
	return nil
}

// SealedMaxPayload is the longest payload whose sealed message fits in
// MaxPayload.
const SealedMaxPayload = MaxPayload - sealSize

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(payload))
	return h.Sum(nil)
}
