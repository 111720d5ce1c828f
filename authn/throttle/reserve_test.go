package throttle_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestReserveAdmitsExactlyTheLimit starts many attempts at once, with more
// threads than cores, spread over two Limiters with their own connection
// pools on one database, as replicas would be: exactly the limit of them
// are admitted, whichever replica they reach, and every other one is
// throttled. It raises GOMAXPROCS, which is process-wide, so it does not
// run in parallel.
func TestReserveAdmitsExactlyTheLimit(t *testing.T) {
	previous := runtime.GOMAXPROCS(max(16, runtime.NumCPU()))
	t.Cleanup(func() { runtime.GOMAXPROCS(previous) })

	tests := []struct {
		name    string
		account func(i int) string
		address string
		limit   int
	}{
		{"one account", func(int) string { return "alice@example.com" }, "", 5},
		{"one account from one address", func(int) string { return "alice@example.com" }, "192.0.2.1", 5},
		{"one address, many accounts", func(i int) string { return fmt.Sprintf("user-%d@example.com", i) }, "192.0.2.1", 7},
	}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, tt := range tests {
			for _, n := range []int{20, 40} {
				t.Run(fmt.Sprintf("%s, %d attempts", tt.name, n), func(t *testing.T) {
					ctx := context.Background()
					cfg := throttle.Config{MaxFailures: 5, MaxFailuresPerAddress: 7}
					f := newFixtureOn(t, b, cfg)
					cfg.Now = f.clock.Now
					other, err := throttle.New(ctx, f.database.Open(t), cfg)
					require.NoError(t, err)
					replicas := []*throttle.Limiter{f.limiter, other}

					start := make(chan struct{})
					attempts := make([]*throttle.Attempt, n)
					errs := make([]error, n)
					var wg sync.WaitGroup
					for i := range n {
						wg.Add(1)
						go func() {
							defer wg.Done()
							<-start
							attempts[i], errs[i] = replicas[i%2].Reserve(ctx, tt.account(i), tt.address)
						}()
					}
					close(start)
					wg.Wait()

					admitted := 0
					for i, err := range errs {
						if err != nil {
							require.ErrorIs(t, err, authn.ErrThrottled)
							assert.Nil(t, attempts[i])
							continue
						}
						admitted++
						require.NoError(t, attempts[i].Failed(ctx))
					}
					assert.Equal(t, tt.limit, admitted)

					_, err = f.limiter.Reserve(ctx, tt.account(0), tt.address)
					var throttled *authn.ThrottledError
					require.ErrorAs(t, err, &throttled, "the failures fill the limit")
					assert.Equal(t, throttle.DefaultWindow, throttled.RetryAfter)
				})
			}
		}
	})
}

// TestAttemptOutcomes checks what each end of an attempt leaves counted.
func TestAttemptOutcomes(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, throttle.Config{MaxFailures: 3, MaxFailuresPerAddress: 5})
		reserve := func(account, address string) *throttle.Attempt {
			t.Helper()
			a, err := f.limiter.Reserve(ctx, account, address)
			require.NoError(t, err)
			return a
		}

		// Attempts in progress count: a fourth waits for one of them to end,
		// which may be at once, so it is told to retry after a second.
		var pending []*throttle.Attempt
		for range 3 {
			pending = append(pending, reserve("alice", "192.0.2.1"))
		}
		assert.Equal(t, time.Second, f.retryAfter(t, "alice", ""), "three attempts in progress")
		_, err := f.limiter.Reserve(ctx, "alice", "192.0.2.2")
		var throttled *authn.ThrottledError
		require.ErrorAs(t, err, &throttled)
		assert.Equal(t, time.Second, throttled.RetryAfter)
		assert.Equal(t, int64(6), f.rows(t), "a refused reservation writes nothing")

		// Cancelled: as if it had never been made.
		require.NoError(t, pending[0].Cancel(ctx))
		assert.Equal(t, int64(4), f.rows(t))
		assert.Zero(t, f.retryAfter(t, "alice", ""))

		// Failed: counted for the Window from the failure.
		f.clock.Advance(time.Minute)
		require.NoError(t, pending[1].Failed(ctx))
		require.NoError(t, pending[2].Failed(ctx))
		third := reserve("alice", "192.0.2.3")
		require.NoError(t, third.Failed(ctx))
		assert.Equal(t, throttle.DefaultWindow, f.retryAfter(t, "alice", ""), "three failures, the oldest a moment ago")

		// Succeeded: its own reservation and the account's failures go; the
		// failures of the address stay.
		f.clock.Advance(throttle.DefaultWindow)
		fail := reserve("bob", "192.0.2.1")
		require.NoError(t, fail.Failed(ctx))
		ok := reserve("bob", "192.0.2.1")
		other := reserve("carol", "192.0.2.1")
		require.Equal(t, int64(12), f.rows(t))
		require.NoError(t, ok.Succeeded(ctx))
		assert.Equal(t, int64(9), f.rows(t), "its two rows and bob's failure are gone")
		assert.Zero(t, f.retryAfter(t, "bob", ""))
		for _, account := range []string{"dave", "erin", "gina"} {
			reserve(account, "192.0.2.1")
		}
		_, err = f.limiter.Reserve(ctx, "frank", "192.0.2.1")
		assert.ErrorIs(t, err, authn.ErrThrottled, "bob's failure, carol's attempt and three more fill the address's five")

		// Each attempt ends once.
		for _, end := range []func(context.Context) error{ok.Succeeded, ok.Failed, ok.Cancel, pending[1].Failed, pending[0].Succeeded} {
			assert.ErrorIs(t, end(ctx), throttle.ErrAttemptFinished)
		}
		require.NoError(t, other.Cancel(ctx))
	})
}

// A success does not wipe out the attempts of others still in progress on
// the same account: they count until they end.
func TestSuccessLeavesOtherAttemptsInProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{MaxFailures: 2})
	guess, err := f.limiter.Reserve(ctx, "alice", "")
	require.NoError(t, err)
	owner, err := f.limiter.Reserve(ctx, "alice", "")
	require.NoError(t, err)
	require.NoError(t, owner.Succeeded(ctx))
	require.NoError(t, guess.Failed(ctx))
	assert.Equal(t, int64(1), f.rows(t), "the guess is counted")
}

// TestReserveRefusesBadInput checks that nothing is written for input
// Reserve refuses.
func TestReserveRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{})
	tests := []struct {
		account, address string
		want             error
	}{
		{"", "192.0.2.1", throttle.ErrInvalidAccount},
		{string(make([]byte, throttle.MaxAccountLength+1)), "", throttle.ErrInvalidAccount},
		{"alice", "not an address", throttle.ErrInvalidAddress},
	}
	for _, tt := range tests {
		a, err := f.limiter.Reserve(ctx, tt.account, tt.address)
		assert.ErrorIs(t, err, tt.want)
		assert.Nil(t, a)
	}
	assert.Zero(t, f.rows(t))
}

// A database that does not answer fails Reserve with an error that is not
// throttling: the caller cannot tell whether the attempt is allowed.
func TestReserveFailsClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{})
	sqlDB, err := f.db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	a, err := f.limiter.Reserve(ctx, "alice", "192.0.2.1")
	require.Error(t, err)
	assert.Nil(t, a)
	assert.False(t, errors.Is(err, authn.ErrThrottled))
}
