package purpose

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// maxIDLength bounds the jti accepted, to the width of the jti column. Issued
// ids are 43 characters.
const maxIDLength = 64

// errBadClaims marks claims that the jwt validator does not check but this
// package requires. It never leaves the package: Verify reports it as
// authn.ErrInvalidToken.
var errBadClaims = errors.New("bad claims")

// errWrongType marks a token whose typ header is not its purpose's. It
// never leaves the package either.
var errWrongType = errors.New("wrong typ header")

// claims are the claims of a purpose token.
type claims struct {
	jwt.RegisteredClaims
	// Binding is bindingMAC of the value the token is bound to; nil
	// when it is bound to nothing. A pointer, so that a present but empty
	// "bnd" is refused rather than taken for an unbound token.
	Binding *string `json:"bnd,omitempty"`
}

// Validate adds this package's requirements to the jwt validator's: the jwt
// package calls it after the signature has been verified.
func (c *claims) Validate() error {
	switch {
	case c.Subject == "" || len(c.Subject) > MaxSubjectLength || !utf8.ValidString(c.Subject):
		return fmt.Errorf("%w: sub", errBadClaims)
	case c.ID == "" || len(c.ID) > maxIDLength:
		return fmt.Errorf("%w: jti", errBadClaims)
	case c.IssuedAt == nil:
		return fmt.Errorf("%w: iat missing", errBadClaims)
	case c.Binding != nil && !isHexSHA256(*c.Binding):
		return fmt.Errorf("%w: bnd", errBadClaims)
	}
	return nil
}

// bindingMAC returns the "bnd" claim for a binding value: an HMAC under the
// purpose's key rather than a plain hash, so that a token reveals nothing
// about what it is bound to (an email address, say) and nobody without the
// key can compute a match.
func bindingMAC(key []byte, v string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("gatehouse purpose binding v1\x00"))
	mac.Write([]byte(v))
	return hex.EncodeToString(mac.Sum(nil))
}

// isHexSHA256 reports whether s is a SHA-256 sized value in lower-case hex,
// as bindingMAC writes it.
func isHexSHA256(s string) bool {
	if len(s) != hex.EncodedLen(sha256.Size) {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}
