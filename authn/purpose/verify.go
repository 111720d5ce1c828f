package purpose

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/jwtshape"
)

// BindingFunc returns the current value a subject's tokens are bound to,
// such as a fingerprint of the subject's password hash. Return "" for a
// subject that no longer exists: no bound token matches it. An error aborts
// the check; it is returned wrapped, and the token is not consumed.
type BindingFunc = func(ctx context.Context, subject string) (string, error)

// Verify checks raw without consuming it and returns its subject. Use it to
// decide whether to show a password reset form; use Consume when acting on
// the token.
//
// raw must be a token of this Tokens' purpose: HS256 with this key, the typ
// header "<purpose>+jwt", the purpose in its audience, this issuer, a
// subject and an id, at most MaxTokenLength bytes, an exp at most TTL
// after its iat, and within its lifetime give or take Leeway. Its header
// and claims must read one way only: no member twice in any object, no
// claim or header parameter ("sub", "typ", …) spelled in another case,
// and exp, nbf and iat as JSON numbers, not strings. It must not have been consumed, and when it is bound
// (see Issue), binding(ctx, subject) must return the value it was bound
// to. binding may be nil only for tokens issued without a binding.
//
// A token whose lifetime is over or has not begun is refused with an error
// matching authn.ErrTokenExpired; one already consumed, or whose binding
// changed, with authn.ErrTokenRevoked; anything else wrong with it with
// authn.ErrInvalidToken. Other errors come from the database (ErrStore) or
// from binding.
func (t *Tokens) Verify(ctx context.Context, raw string, binding BindingFunc) (string, error) {
	c, err := t.verify(ctx, raw, binding)
	if err != nil {
		t.logRefusal(ctx, err)
		return "", err
	}
	return c.Subject, nil
}

// verify is Verify, returning the verified claims.
func (t *Tokens) verify(ctx context.Context, raw string, binding BindingFunc) (*claims, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c, err := t.parse(raw)
	if err != nil {
		return nil, err
	}
	used, err := t.isUsed(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("purpose %s: %w", t.purpose, err)
	}
	if used {
		return nil, fmt.Errorf("purpose %s: token %s already used: %w", t.purpose, c.ID, authn.ErrTokenRevoked)
	}
	if err := t.checkBinding(ctx, c, binding); err != nil {
		return nil, err
	}
	return c, nil
}

// parse checks raw's signature, header and claims.
func (t *Tokens) parse(raw string) (*claims, error) {
	if raw == "" {
		return nil, fmt.Errorf("purpose %s: empty token: %w", t.purpose, authn.ErrInvalidToken)
	}
	if len(raw) > MaxTokenLength {
		return nil, fmt.Errorf("purpose %s: token longer than %d bytes: %w", t.purpose, MaxTokenLength, authn.ErrInvalidToken)
	}
	if !isCompact(raw) {
		return nil, fmt.Errorf("purpose %s: malformed token: %w", t.purpose, authn.ErrInvalidToken)
	}
	if err := checkSegment(raw, 0, headerNames, nil); err != nil {
		return nil, fmt.Errorf("purpose %s: header: %w: %w", t.purpose, err, authn.ErrInvalidToken)
	}
	c := &claims{}
	_, parseErr := t.parser.ParseWithClaims(raw, c, t.keyFunc)
	if parseErr != nil && !errors.Is(classify(parseErr), authn.ErrTokenExpired) {
		return nil, fmt.Errorf("purpose %s: %w: %w", t.purpose, authn.ErrInvalidToken, parseErr)
	}
	// From here the signature is known to hold. A token out of its
	// lifetime is still checked for shape, so that "expired" is only said
	// of a token that would otherwise be good.
	if err := checkSegment(raw, 1, claimNames, dateNames); err != nil {
		return nil, fmt.Errorf("purpose %s: claims: %w: %w", t.purpose, err, authn.ErrInvalidToken)
	}
	// Issue never makes a token that lives longer than the TTL.
	if c.ExpiresAt == nil || c.IssuedAt == nil || c.ExpiresAt.Sub(c.IssuedAt.Time) > t.maxLifetime {
		return nil, fmt.Errorf("purpose %s: exp more than the TTL after iat: %w", t.purpose, authn.ErrInvalidToken)
	}
	if parseErr != nil {
		return nil, fmt.Errorf("purpose %s: %w: %w", t.purpose, authn.ErrTokenExpired, parseErr)
	}
	return c, nil
}

// checkSegment checks the shape of segment n of raw (0 the header, 1 the
// claims; see jwtshape.CheckMembers).
func checkSegment(raw string, n int, names, dates []string) error {
	segments := strings.SplitN(raw, ".", 3)
	if len(segments) != 3 {
		return errors.New("not three segments")
	}
	decoded, err := base64.RawURLEncoding.Strict().DecodeString(segments[n])
	if err != nil {
		return errors.New("not base64url")
	}
	return jwtshape.CheckMembers(decoded, names, dates)
}

// isCompact reports whether raw holds only base64url characters and the
// dots between segments. Go's base64 decoders skip CR and LF even in strict
// mode, and the signature segment is not itself signed, so without this a
// line break inside it would give one token many accepted spellings.
func isCompact(raw string) bool {
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '_', c == '.':
		default:
			return false
		}
	}
	return true
}

// keyFunc returns the key for a token whose typ header is this purpose's.
// The check comes before the signature is verified, so a token of another
// type is refused whatever key signed it.
func (t *Tokens) keyFunc(tok *jwt.Token) (any, error) {
	typ, ok := tok.Header["typ"].(string)
	if !ok || typ != t.typ {
		return nil, fmt.Errorf("%w: not %q", errWrongType, t.typ)
	}
	return t.key, nil
}

// lifetimeErrors are the jwt errors that mean a token is outside its
// lifetime.
var lifetimeErrors = []error{jwt.ErrTokenExpired, jwt.ErrTokenNotValidYet, jwt.ErrTokenUsedBeforeIssued}

// otherErrors are the jwt errors that mean a token is wrong in some other
// way. They take precedence: a token that is both expired and forged is
// reported as invalid.
var otherErrors = []error{
	jwt.ErrTokenMalformed, jwt.ErrTokenUnverifiable, jwt.ErrTokenSignatureInvalid,
	jwt.ErrTokenRequiredClaimMissing, jwt.ErrTokenInvalidAudience, jwt.ErrTokenInvalidIssuer,
	jwt.ErrTokenInvalidSubject, jwt.ErrTokenInvalidId, jwt.ErrInvalidType, errBadClaims,
}

// classify maps a jwt parse error to the authn sentinel it stands for:
// authn.ErrTokenExpired when the lifetime is the only thing wrong,
// authn.ErrInvalidToken otherwise.
func classify(err error) error {
	for _, other := range otherErrors {
		if errors.Is(err, other) {
			return authn.ErrInvalidToken
		}
	}
	for _, lifetime := range lifetimeErrors {
		if errors.Is(err, lifetime) {
			return authn.ErrTokenExpired
		}
	}
	return authn.ErrInvalidToken
}

// checkBinding checks a bound token against the current binding value of
// its subject.
func (t *Tokens) checkBinding(ctx context.Context, c *claims, binding BindingFunc) error {
	if c.Binding == nil {
		return nil
	}
	if binding == nil {
		return fmt.Errorf("purpose %s: token %s: %w: %w", t.purpose, c.ID, ErrNoBinding, authn.ErrInvalidToken)
	}
	current, err := binding(ctx, c.Subject)
	if err != nil {
		return fmt.Errorf("purpose %s: binding of token %s: %w", t.purpose, c.ID, err)
	}
	if subtle.ConstantTimeCompare([]byte(bindingMAC(t.key, current)), []byte(*c.Binding)) != 1 {
		return fmt.Errorf("purpose %s: token %s: bound value changed: %w", t.purpose, c.ID, authn.ErrTokenRevoked)
	}
	return nil
}
