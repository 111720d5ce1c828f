package blog

import (
	"context"
	"runtime"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// maxPasswordWait is how long a login waits for a turn to check its
// password before it is told to retry.
const maxPasswordWait = 3 * time.Second

// passwordGate bounds the password hashes computed at once, to one per
// CPU. Each argon2id hash holds 19 MiB and a CPU for a good part of a
// second: a burst of logins, an attacker's or a crowd's, would otherwise
// exhaust memory and push every request past its timeout. A login that
// finds no turn within maxPasswordWait gets 429 with Retry-After.
type passwordGate struct{ turns chan struct{} }

func newPasswordGate() *passwordGate {
	return &passwordGate{turns: make(chan struct{}, runtime.GOMAXPROCS(0))}
}

// enter waits for a turn and returns the function that ends it.
func (g *passwordGate) enter(ctx context.Context) (func(), error) {
	wait := time.NewTimer(maxPasswordWait)
	defer wait.Stop()
	select {
	case g.turns <- struct{}{}:
		return func() { <-g.turns }, nil
	case <-wait.C:
		return nil, &authn.ThrottledError{RetryAfter: time.Second}
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
