package accountapi

import (
	"context"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// passwordGate bounds the password hashes computed at once (see
// Config.PasswordHashes). A request that finds no turn within wait is
// throttled: 429 with Retry-After.
type passwordGate struct {
	turns chan struct{}
	wait  time.Duration
}

func newPasswordGate(n int, wait time.Duration) *passwordGate {
	return &passwordGate{turns: make(chan struct{}, n), wait: wait}
}

// enter waits for a turn and returns the function that ends it.
func (g *passwordGate) enter(ctx context.Context) (func(), error) {
	leave := func() { <-g.turns }
	select {
	case g.turns <- struct{}{}:
		return leave, nil
	default:
	}
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.turns <- struct{}{}:
		return leave, nil
	case <-timer.C:
		return nil, &authn.ThrottledError{RetryAfter: time.Second}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
