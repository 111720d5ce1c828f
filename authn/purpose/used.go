package purpose

import (
	"context"
	"fmt"
	"time"
)

// isUsed reports whether the token with id jti has been consumed, for any
// purpose.
func (t *Tokens) isUsed(ctx context.Context, jti string) (bool, error) {
	used, err := t.store.IsUsed(ctx, jti)
	if err != nil {
		return false, fmt.Errorf("%w: look up token %s: %w", ErrStore, jti, err)
	}
	return used, nil
}

// markUsed records the token with id jti as consumed. It reports false when
// the id was already recorded, by an earlier or a concurrent Consume.
func (t *Tokens) markUsed(ctx context.Context, jti, subject string, expiresAt time.Time) (bool, error) {
	first, err := t.store.MarkUsed(ctx, UsedToken{
		ID:        jti,
		Purpose:   t.purpose,
		Subject:   subject,
		UsedAt:    t.now().UTC(),
		ExpiresAt: expiresAt.UTC(),
	})
	if err != nil {
		return false, fmt.Errorf("%w: record token %s: %w", ErrStore, jti, err)
	}
	return first, nil
}

// Cleanup forgets the used tokens of this purpose that can no longer
// verify, because they expired more than Leeway ago, and returns how many
// it forgot. The used set of a SQL store otherwise only grows; run Cleanup
// now and then, such as hourly (a Redis store's records expire by
// themselves). Forgetting a token any earlier would let it be consumed
// again, so Cleanup keeps every id whose token Verify could still accept.
func (t *Tokens) Cleanup(ctx context.Context) (int64, error) {
	// exp claims are whole seconds; rounding the cutoff down keeps a row
	// rather than dropping one too early.
	cutoff := t.now().Add(-Leeway).UTC().Truncate(time.Second)
	n, err := t.store.Cleanup(ctx, t.purpose, cutoff)
	if err != nil {
		return 0, fmt.Errorf("%w: cleanup: %w", ErrStore, err)
	}
	return n, nil
}
