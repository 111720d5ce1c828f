package throttle

import (
	"context"
)

// Cleanup deletes the failures, and the attempts never ended, that have
// left the window and no longer count, and returns how many entries it
// deleted (an attempt counted against an account and an address is two).
// Run it now and then (say hourly) to keep the store small; Reserve and
// Check are right without it. What a store drops on its own, as Redis
// does by expiry, is not in the count. A failure of the store matches
// ErrStore.
func (l *Limiter) Cleanup(ctx context.Context) (int64, error) {
	n, err := l.store.Cleanup(ctx, l.now().Add(-l.cfg.Window))
	if err != nil {
		return n, storeError("clean up", err)
	}
	return n, nil
}
