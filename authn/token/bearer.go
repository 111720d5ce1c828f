package token

import (
	"context"
	"fmt"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
)

// bearerScheme is the authentication scheme of RFC 6750 §2.1.
const bearerScheme = "Bearer"

// Authenticator returns an authn.Authenticator that verifies the token in the
// request's Authorization header (see ParseBearer). A request without the
// header, or with another scheme, has no credentials for it; a malformed
// Bearer header or a rejected token is an error matching
// authn.ErrInvalidToken. While the Revocations are unavailable a good token
// is neither accepted nor rejected: the error matches authn.ErrUnavailable
// (see Verify).
func (i *Issuer) Authenticator() authn.Authenticator {
	return authn.AuthenticatorFunc(func(ctx context.Context, req authn.Credentials) (authn.Subject, error) {
		raw, err := ParseBearer(req.Header("Authorization"))
		if err != nil {
			return authn.Subject{}, err
		}
		return i.Verify(ctx, raw)
	})
}

// ParseBearer returns the token of an Authorization header value of the form
// "Bearer <token>" (RFC 6750 §2.1), for adapters that read the header
// themselves.
//
// An empty header, or one with another scheme such as "Basic", yields an
// error matching authn.ErrNoCredentials. The scheme is matched without regard
// to case; it must be followed by exactly one space and one b64token (letters,
// digits, "-._~+/", then optional "=" padding). Anything else after "Bearer"
// — nothing, more spaces, several tokens, other characters — is an error
// matching authn.ErrInvalidToken: a caller who meant to present a token is
// told it is bad rather than treated as anonymous.
func ParseBearer(header string) (string, error) {
	if header == "" {
		return "", fmt.Errorf("bearer: %w", authn.ErrNoCredentials)
	}
	scheme, rest, _ := strings.Cut(header, " ")
	if end := strings.IndexByte(scheme, '\t'); end >= 0 {
		// A tab ends the scheme too, though only a space may follow it.
		scheme, rest = scheme[:end], "\t"
	}
	if !strings.EqualFold(scheme, bearerScheme) {
		return "", fmt.Errorf("bearer: %w", authn.ErrNoCredentials)
	}
	if !isB64Token(rest) {
		return "", fmt.Errorf("bearer: malformed Authorization header: %w", authn.ErrInvalidToken)
	}
	return rest, nil
}

// isB64Token reports whether s is a b64token: 1*( ALPHA / DIGIT / "-" / "."
// / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}
