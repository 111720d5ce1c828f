package refresh

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Token is a refresh token on its way to its client.
type Token struct {
	// Value is the token itself, shown only once: the store keeps its hash.
	// It redacts itself when printed or logged; call Value.Reveal() to hand
	// it to the client. Revoke leaves it empty.
	Value authn.Secret
	// FamilyID names the family the token belongs to: the login it descends
	// from. It is not a secret; use it in logs and with RevokeFamily.
	FamilyID string
	// Subject is the user the family was issued to.
	Subject string
	// ExpiresAt is when the token stops being usable if it is not rotated
	// before: the earlier of its TokenTTL and its family's end. Revoke
	// leaves it zero.
	ExpiresAt time.Time
	// LoginAt is when the family's login happened (Issue's time), the same
	// for every token of the family: stamp it on the access tokens issued
	// with them (token.AuthTime), so that a refreshed credential still says
	// how old its login is. Zero for families stored before it was
	// recorded; Revoke leaves it zero.
	LoginAt time.Time
	// Methods are the authentication methods of the family's login (RFC
	// 8176), the same for every token of the family: stamp them on the
	// access tokens issued with them (token.Methods), so that a refreshed
	// credential still says whether its login had a second factor. Nil
	// when unknown.
	Methods []string
}

const (
	// TokenPrefix starts every refresh token, so that one is told apart
	// from an access token or an API key at a glance, and by secret
	// scanners.
	TokenPrefix = "rt_"
	// tokenBytes is the random part of a token: 256 bits, beyond guessing.
	tokenBytes = 32
	// tokenLength is the length of a well-formed token.
	tokenLength = len(TokenPrefix) + (tokenBytes*8+5)/6
	// idBytes is the random part of row and family ids.
	idBytes = 16
)

// MaxSubjectLength is the longest subject Issue accepts, in bytes.
const MaxSubjectLength = 255

// newValue returns a fresh token.
func newValue() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("refresh: generate token: %w", err)
	}
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// newID returns a random id for a row or a family. Ids are not secrets, but
// random ones reveal nothing of how many logins there have been.
func newID() (string, error) {
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("refresh: generate id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// hashOf returns the hex SHA-256 of a token, the form it is stored and
// looked up in. A fast hash is enough: the token carries 256 random bits,
// so there is nothing to brute-force.
func hashOf(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// parse checks that value has the shape of a refresh token and returns its
// hash. Anything else — an access token, an API key, garbage — is rejected
// here, before it costs a database query. The length is checked first, so
// an oversized value is never scanned.
func parse(value string) (string, error) {
	if len(value) != tokenLength || !strings.HasPrefix(value, TokenPrefix) {
		return "", fmt.Errorf("refresh: malformed token: %w", authn.ErrInvalidToken)
	}
	raw, err := base64.RawURLEncoding.Strict().DecodeString(value[len(TokenPrefix):])
	if err != nil || len(raw) != tokenBytes {
		return "", fmt.Errorf("refresh: malformed token: %w", authn.ErrInvalidToken)
	}
	return hashOf(value), nil
}
