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

// KeySize is the length of a sealing key, in bytes.
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
// payload by a fixed 44 bytes.
func Seal(key []byte, payload string) string {
	return base64.RawURLEncoding.EncodeToString(mac(key, payload)) + "." + payload
}

// Open returns the payload of a message Seal made with key, or ErrForged.
// It compares seals in constant time.
func Open(key []byte, sealed string) (string, error) {
	seal, payload, ok := strings.Cut(sealed, ".")
	if !ok || len(key) == 0 {
		return "", ErrForged
	}
	got, err := base64.RawURLEncoding.DecodeString(seal)
	if err != nil || !hmac.Equal(got, mac(key, payload)) {
		return "", ErrForged
	}
	return payload, nil
}

// SealedMaxPayload is the longest payload whose sealed message fits in
// MaxPayload.
const SealedMaxPayload = MaxPayload - sealSize

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(payload))
	return h.Sum(nil)
}
