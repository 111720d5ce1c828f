package rediswatch

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff spaces reconnection attempts: it doubles from min to max, and
// each wait is drawn between half and all of the current step.
type backoff struct {
	min, max time.Duration
	step     time.Duration
}

func (b *backoff) next() time.Duration {
	if b.step == 0 {
		b.step = b.min
	} else {
		b.step = min(2*b.step, b.max)
	}
	half := b.step / 2
	return half + rand.N(b.step-half+1)
}

func (b *backoff) reset() { b.step = 0 }

// sleep waits for d, and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
