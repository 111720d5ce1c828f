package purpose

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/golang-jwt/jwt/v5"

	"github.com/gatehouse-go/gatehouse/authn"
)

// jwtReasons are golang-jwt's errors and this package's own that it
// carries. They say what is wrong with a token without quoting it,
// whereas the encoding/json errors golang-jwt may wrap quote what a claim
// holds; a refusal by golang-jwt is logged by them alone.
var jwtReasons = []error{
	jwt.ErrTokenMalformed, jwt.ErrTokenUnverifiable, jwt.ErrTokenSignatureInvalid,
	jwt.ErrTokenRequiredClaimMissing, jwt.ErrTokenInvalidAudience, jwt.ErrTokenExpired,
	jwt.ErrTokenUsedBeforeIssued, jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidSubject,
	jwt.ErrTokenNotValidYet, jwt.ErrTokenInvalidId, jwt.ErrTokenInvalidClaims, jwt.ErrInvalidType,
	errBadClaims, errWrongType,
}

// logRefusal logs at debug level why a token was refused. Only refusals
// are logged, errors matching authn.ErrInvalidCredentials: the others
// come from the database or the binding function, and may say anything.
// This package's own reasons quote no token, subject or binding.
func (t *Tokens) logRefusal(ctx context.Context, err error) {
	if !errors.Is(err, authn.ErrInvalidCredentials) || !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "gatehouse: purpose token refused",
		slog.String("purpose", t.purpose), slog.String("reason", refusalReason(err)))
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
	return kind.Error() + ": " + strings.Join(found, "; ")
}
