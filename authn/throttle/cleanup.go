package throttle

import (
	"context"
	"fmt"
)

// Cleanup deletes the failures that have left the window, which no longer
// count, and returns how many it deleted. Run it now and then (say hourly)
// to keep the table small; Check is right without it.
func (l *Limiter) Cleanup(ctx context.Context) (int64, error) {
	res := l.db.WithContext(ctx).Where("failed_at <= ?", l.now().Add(-l.cfg.Window)).Delete(&failure{})
	if res.Error != nil {
		return 0, fmt.Errorf("throttle: clean up: %w", res.Error)
	}
	return res.RowsAffected, nil
}
