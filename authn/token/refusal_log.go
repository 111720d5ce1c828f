package token

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gatehouse-go/gatehouse/authn/internal/jwtshape"
)

// logRefusal logs at debug level why Verify refused a token, with the kid
// and alg of its header h when they are short, printable names. The
// token, and what its claims say, are never logged: Verify's own reasons
// quote neither.
func (i *Issuer) logRefusal(ctx context.Context, err error, h header) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		!i.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{slog.String("reason", "token: "+jwtshape.Reason(err))}
	if h.kid != "" {
		attrs = append(attrs, slog.String("kid", loggableName(h.kid)))
	}
	if h.alg != "" {
		attrs = append(attrs, slog.String("alg", loggableName(h.alg)))
	}
	i.logger.LogAttrs(ctx, slog.LevelDebug, "gatehouse: access token refused", attrs...)
}

// loggableName returns a header's kid or alg for the log when it could be
// a key id (checkKeyID): the header is the token's author's to write.
func loggableName(name string) string {
	if checkKeyID(name) != nil {
		return "(not a key id or algorithm name)"
	}
	return name
}
