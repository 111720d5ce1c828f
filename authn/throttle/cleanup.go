package throttle

import (
	"context"
	"fmt"
)

// Cleanup deletes the failures, and the attempts never ended, that have
// left the window and no longer count, and returns how many it deleted. It
// deletes the per-key locks unused for a Window too. Run it now and then
// (say hourly) to keep the tables small; Reserve and Check are right
// without it.
func (l *Limiter) Cleanup(ctx context.Context) (int64, error) {
	cutoff := l.now().Add(-l.cfg.Window)
	res := l.db.WithContext(ctx).Where("failed_at <= ?", cutoff).Delete(&failure{})
	if res.Error != nil {
		return 0, fmt.Errorf("throttle: clean up: %w", res.Error)
	}
	if err := l.db.WithContext(ctx).Where("locked_at <= ?", cutoff).Delete(&keyLock{}).Error; err != nil {
		return res.RowsAffected, fmt.Errorf("throttle: clean up locks: %w", err)
	}
	return res.RowsAffected, nil
}
