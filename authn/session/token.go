package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// tokenBytes is the entropy of a session token: 256 bits, beyond guessing
// however many requests an attacker makes.
const tokenBytes = 32

// tokenLen is the length of an encoded token; anything else is malformed.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// idPrefix marks session ids, so that an id in a log cannot be mistaken for
// another kind of credential id, nor for the token it is not.
const idPrefix = "ses_"

// idLen is the length of a session id: the prefix and 16 hex digits.
const idLen = len(idPrefix) + 16

// newToken returns a fresh cookie value and the random bytes it encodes.
func newToken() (string, []byte, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, fmt.Errorf("generate session token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(raw), raw, nil
}

// decodeToken returns the random bytes a well-formed cookie value encodes,
// and false for anything else, so that a malformed value costs no query.
// Strict decoding refuses the non-canonical spellings of a token.
func decodeToken(token string) ([]byte, bool) {
	if len(token) != tokenLen {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(raw) != tokenBytes {
		return nil, false
	}
	return raw, true
}

// hashToken is the token's stored form: hex SHA-256 of the cookie value.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newID returns a public session id: "ses_" and 16 hex digits. It is random
// rather than sequential so that it reveals nothing of how many sessions
// exist, but it grants nothing: only the token authenticates.
func newID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate session id: %w", err)
	}
	return idPrefix + hex.EncodeToString(b), nil
}

// isID reports whether id is spelt as newID spells ids, so that anything
// else (a token pasted by mistake, a probe) costs no query and cannot
// match an id by a loose comparison.
func isID(id string) bool {
	if len(id) != idLen || id[:len(idPrefix)] != idPrefix {
		return false
	}
	for i := len(idPrefix); i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
