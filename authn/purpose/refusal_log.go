package purpose

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/jwtshape"
)

// logRefusal logs at debug level why a token was refused. Only refusals
// are logged, errors matching authn.ErrInvalidCredentials: the others
// come from the database or the binding function, and may say anything.
// This package's own reasons quote no token, subject or binding.
func (t *Tokens) logRefusal(ctx context.Context, err error) {
	if !errors.Is(err, authn.ErrInvalidCredentials) || !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "gatehouse: purpose token refused",
		slog.String("purpose", t.purpose), slog.String("reason", jwtshape.Reason(err, errBadClaims, errWrongType)))
}
