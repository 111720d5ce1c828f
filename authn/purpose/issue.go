package purpose

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
)

// idBytes is the entropy of a token id. Ids are not secret, but they must
// never collide: the used set is keyed by them.
const idBytes = 32

// Token is an issued token.
type Token struct {
	// Value is the token to send to its owner, typically in a link. It
	// prints as "[REDACTED]"; call Value.Reveal() where it is handed over.
	Value authn.Secret
	// ID is the token's jti. It is not secret: use it in logs.
	ID string
	// Subject is who the token is for.
	Subject string
	// ExpiresAt is the token's exp claim, to the second. Verify accepts the
	// token until Leeway after it.
	ExpiresAt time.Time
}

// Issue makes a token of this purpose for subject. It stores nothing.
//
// When binding is not "", the token carries an HMAC of it under the
// purpose's key and is valid only while the binding function given to Verify
// or Consume returns the same value: bind a password reset token to a
// fingerprint of the current password hash and it dies once the password
// changes.
//
// Issue refuses an empty subject, one longer than MaxSubjectLength or one
// that is not valid UTF-8 with an error matching ErrInvalidSubject.
func (t *Tokens) Issue(ctx context.Context, subject, binding string) (Token, error) {
	if err := ctx.Err(); err != nil {
		return Token{}, err
	}
	switch {
	case subject == "":
		return Token{}, fmt.Errorf("purpose %s: %w: empty", t.purpose, ErrInvalidSubject)
	case len(subject) > MaxSubjectLength:
		return Token{}, fmt.Errorf("purpose %s: %w: longer than %d bytes", t.purpose, ErrInvalidSubject, MaxSubjectLength)
	case !utf8.ValidString(subject):
		return Token{}, fmt.Errorf("purpose %s: %w: not valid UTF-8", t.purpose, ErrInvalidSubject)
	}
	id, err := newID()
	if err != nil {
		return Token{}, fmt.Errorf("purpose %s: token id: %w", t.purpose, err)
	}
	now := t.now()
	c := &claims{RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    t.issuer,
		Subject:   subject,
		Audience:  jwt.ClaimStrings{t.purpose},
		ExpiresAt: jwt.NewNumericDate(now.Add(t.ttl)),
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ID:        id,
	}}
	if binding != "" {
		bnd := bindingMAC(t.key, binding)
		c.Binding = &bnd
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, c)
	tok.Header["typ"] = t.typ
	signed, err := tok.SignedString(t.key)
	if err != nil {
		return Token{}, fmt.Errorf("purpose %s: sign: %w", t.purpose, err)
	}
	return Token{
		Value:     authn.Secret(signed),
		ID:        id,
		Subject:   subject,
		ExpiresAt: c.ExpiresAt.Time,
	}, nil
}

// newID returns a random token id, base64url without padding.
func newID() (string, error) {
	b := make([]byte, idBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
