package refresh

import (
	"context"
	"fmt"
	"time"
)

// cleanupGrace is how long a dead family is kept before Cleanup deletes it,
// so that a late client is told its token expired or was revoked rather
// than that it is unknown.
const cleanupGrace = 24 * time.Hour

// Cleanup deletes the families that ended more than a day ago — whose
// absolute lifetime is over, or all of whose tokens have expired — and
// returns how many tokens it deleted. Run it now and then, for instance
// daily; nothing depends on it but the store's size.
//
// It deletes whole families only: a used token is kept while its family may
// still be alive, because its reappearance is what reveals a theft.
func (t *Tokens) Cleanup(ctx context.Context) (int64, error) {
	n, err := t.store.Cleanup(ctx, t.now().Add(-cleanupGrace))
	if err != nil {
		return n, fmt.Errorf("refresh: cleanup: %w: %w", ErrStore, err)
	}
	return n, nil
}
