// Package backoff spaces the attempts of work that failed and is tried
// again: the reconnections of the watch notifiers, so that the replicas of
// an application do not all reconnect in step after a server restart, and
// the retries of a transaction a database rolled back to break a deadlock.
package backoff

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff spaces repeated attempts: the step doubles from Min to Max,
// and each wait is drawn at random between half and all of the current
// step. The zero step starts at Min; set Min and Max, with Min <= Max,
// before the first call to Next. A Backoff is not safe for concurrent use:
// each retrying goroutine keeps its own.
type Backoff struct {
	// Min is the first step, after a Reset too.
	Min time.Duration
	// Max bounds the step.
	Max time.Duration

	step time.Duration
}

// Next returns how long to wait before the next attempt, and doubles the
// step for the one after it.
func (b *Backoff) Next() time.Duration {
	if b.step == 0 {
		b.step = b.Min
	} else {
		b.step = min(2*b.step, b.Max)
	}
	half := b.step / 2
	return half + rand.N(b.step-half+1)
}

// Reset starts again from Min, once an attempt has succeeded.
func (b *Backoff) Reset() { b.step = 0 }

// Sleep waits for d, and reports false if ctx ended first.
func Sleep(ctx context.Context, d time.Duration) bool {
	if ctx.Err() != nil { // a done context wins over a wait already over
		return false
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
