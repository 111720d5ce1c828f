package token

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
)

// jwtReasons are golang-jwt's errors. They say what is wrong with a token
// without quoting it, whereas the encoding/json errors they may wrap quote
// what a claim holds; a refusal by golang-jwt is logged by them alone.
var jwtReasons = []error{
	jwt.ErrTokenMalformed, jwt.ErrTokenUnverifiable, jwt.ErrTokenSignatureInvalid,
	jwt.ErrTokenRequiredClaimMissing, jwt.ErrTokenInvalidAudience, jwt.ErrTokenExpired,
	jwt.ErrTokenUsedBeforeIssued, jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidSubject,
	jwt.ErrTokenNotValidYet, jwt.ErrTokenInvalidId, jwt.ErrTokenInvalidClaims, jwt.ErrInvalidType,
}

// logRefusal logs at debug level why Verify refused a token, with the kid
// and alg of its header h when they are short, printable names. The
// token, and what its claims say, are never logged: Verify's own reasons
// quote neither.
func (i *Issuer) logRefusal(ctx context.Context, err error, h header) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		!i.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.String("reason", refusalReason(err))}
	if h.kid != "" {
		attrs = append(attrs, slog.String("kid", loggableName(h.kid)))
	}
	if h.alg != "" {
		attrs = append(attrs, slog.String("alg", loggableName(h.alg)))
	}
	i.logger.LogAttrs(ctx, slog.LevelDebug, "gatehouse: access token refused", attrs...)
}

// refusalReason says why err refused a token without quoting the token.
func refusalReason(err error) string {
	var found []string
	for _, reason := range jwtReasons {
		if errors.Is(err, reason) {
			found = append(found, reason.Error())
		}
	}
	if len(found) == 0 {
		return err.Error()
	}
	kind := authn.ErrInvalidToken
	if errors.Is(err, authn.ErrTokenExpired) {
		kind = authn.ErrTokenExpired
	}
	return "token: " + kind.Error() + ": " + strings.Join(found, "; ")
}

// loggableName returns a header's kid or alg for the log when it could be
// a key id (checkKeyID): the header is the token's author's to write.
func loggableName(name string) string {
	if checkKeyID(name) != nil {
		return "(not a key id or algorithm name)"
	}
	return name
}
