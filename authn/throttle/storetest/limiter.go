package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// replicas returns n Limiters of cfg, each on a handle of its own on one
// data set, sharing a fake clock, as replicas of an application would be.
func replicas(t *testing.T, fresh Fresh, n int, cfg throttle.Config) ([]*throttle.Limiter, *authntest.Clock) {
	t.Helper()
	open := fresh(t)
	clock := authntest.NewClock(t0)
	cfg.Now = clock.Now
	limiters := make([]*throttle.Limiter, n)
	for i := range limiters {
		var err error
		limiters[i], err = throttle.New(open(t), cfg)
		require.NoError(t, err)
	}
	return limiters, clock
}

// retryAfter returns the RetryAfter of l.Check's refusal, or 0 when it
// allows the attempt; it fails the test on any other error.
func retryAfter(t *testing.T, l *throttle.Limiter, account, address string) time.Duration {
	t.Helper()
	err := l.Check(context.Background(), account, address)
	if err == nil {
		return 0
	}
	var throttled *authn.ThrottledError
	require.ErrorAs(t, err, &throttled)
	return throttled.RetryAfter
}

// testLimiterRace starts many login attempts at once, spread over two
// replicas: exactly the limit of them are admitted, and every other one is
// throttled.
func testLimiterRace(t *testing.T, fresh Fresh) {
	raiseProcs(t)
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
	for _, tt := range tests {
		for _, n := range []int{20, 40} {
			t.Run(fmt.Sprintf("%s, %d attempts", tt.name, n), func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				limiters, _ := replicas(t, fresh, 2, throttle.Config{MaxFailures: 5, MaxFailuresPerAddress: 7})
				attempts := make([]*throttle.Attempt, n)
				errs := make([]error, n)
				race(n, func(i int) {
					attempts[i], errs[i] = limiters[i%2].Reserve(ctx, tt.account(i), tt.address)
				})
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

				_, err := limiters[0].Reserve(ctx, tt.account(0), tt.address)
				var throttled *authn.ThrottledError
				require.ErrorAs(t, err, &throttled, "the failures fill the limit")
				assert.Equal(t, throttle.DefaultWindow, throttled.RetryAfter)
			})
		}
	}
}

// testLimiterReplicas spreads failures over two replicas, and over a
// replica started later, as after a restart: each counts them all.
func testLimiterReplicas(t *testing.T, fresh Fresh) {
	cfg := throttle.Config{MaxFailures: 4, MaxFailuresPerAddress: 6}
	tests := []struct {
		name             string
		account, address string
		failures         int
	}{
		{"account limit", "alice@example.com", "", cfg.MaxFailures},
		{"address limit", "", "192.0.2.7", cfg.MaxFailuresPerAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			limiters, clock := replicas(t, fresh, 3, cfg)
			for i := range tt.failures {
				account := tt.account
				if account == "" {
					account = string(rune('a'+i)) + "@example.com" // a new account each time
				}
				replica := limiters[i%2]
				attempt, err := replica.Reserve(ctx, account, tt.address)
				require.NoError(t, err, "failure %d is still allowed", i+1)
				require.NoError(t, attempt.Failed(ctx))
			}
			clock.Advance(time.Minute)
			account := tt.account
			if account == "" {
				account = "zed@example.com"
			}
			for i, replica := range limiters {
				assert.Equal(t, 14*time.Minute, retryAfter(t, replica, account, tt.address), "replica %d counts every replica's failures", i)
			}
		})
	}
}

// testLimiterOutcomes checks what each end of an attempt leaves counted,
// as a Limiter sees it.
func testLimiterOutcomes(t *testing.T, fresh Fresh) {
	ctx := context.Background()
	limiters, clock := replicas(t, fresh, 1, throttle.Config{MaxFailures: 3, MaxFailuresPerAddress: 5})
	l := limiters[0]
	reserve := func(account, address string) *throttle.Attempt {
		t.Helper()
		a, err := l.Reserve(ctx, account, address)
		require.NoError(t, err)
		return a
	}

	// Attempts in progress count: a fourth waits for one of them to end,
	// which may be at once, so it is told to retry after a second.
	var pending []*throttle.Attempt
	for range 3 {
		pending = append(pending, reserve("alice", "192.0.2.1"))
	}
	assert.Equal(t, time.Second, retryAfter(t, l, "alice", ""), "three attempts in progress")
	_, err := l.Reserve(ctx, "alice", "192.0.2.2")
	var throttled *authn.ThrottledError
	require.ErrorAs(t, err, &throttled)
	assert.Equal(t, time.Second, throttled.RetryAfter)
	assert.Zero(t, retryAfter(t, l, "bob", "192.0.2.2"), "a refused reservation counts nowhere")

	// Cancelled: as if it had never been made.
	require.NoError(t, pending[0].Cancel(ctx))
	assert.Zero(t, retryAfter(t, l, "alice", ""))

	// Failed: counted for the Window from the failure.
	clock.Advance(time.Minute)
	require.NoError(t, pending[1].Failed(ctx))
	require.NoError(t, pending[2].Failed(ctx))
	third := reserve("alice", "192.0.2.3")
	require.NoError(t, third.Failed(ctx))
	assert.Equal(t, throttle.DefaultWindow, retryAfter(t, l, "alice", ""), "three failures, the oldest a moment ago")

	// Succeeded: its own reservation and the account's failures go; the
	// failures of the address stay.
	clock.Advance(throttle.DefaultWindow)
	fail := reserve("bob", "192.0.2.1")
	require.NoError(t, fail.Failed(ctx))
	ok := reserve("bob", "192.0.2.1")
	other := reserve("carol", "192.0.2.1")
	require.NoError(t, ok.Succeeded(ctx))
	assert.Zero(t, retryAfter(t, l, "bob", ""))
	for _, account := range []string{"dave", "erin", "gina"} {
		reserve(account, "192.0.2.1")
	}
	_, err = l.Reserve(ctx, "frank", "192.0.2.1")
	assert.ErrorIs(t, err, authn.ErrThrottled, "bob's failure, carol's attempt and three more fill the address's five")

	// Each attempt ends once.
	for _, end := range []func(context.Context) error{ok.Succeeded, ok.Failed, ok.Cancel, pending[1].Failed, pending[0].Succeeded} {
		assert.ErrorIs(t, end(ctx), throttle.ErrAttemptFinished)
	}
	require.NoError(t, other.Cancel(ctx))
	assert.Zero(t, retryAfter(t, l, "frank", "192.0.2.1"), "carol's place is free again")
}

// testLimiterSlidingWindow follows an account through half an hour of
// failures: an attempt is refused while five are in the window just
// ended, and allowed as soon as enough are older.
func testLimiterSlidingWindow(t *testing.T, fresh Fresh) {
	ctx := context.Background()
	limiters, clock := replicas(t, fresh, 2, throttle.Config{})
	steps := []struct {
		advance   time.Duration // before this step
		fail      bool          // a failure at this step
		wantRetry time.Duration // 0: allowed
	}{
		{0, true, 0},                             // t=0
		{5 * time.Minute, true, 0},               // t=5m
		{5 * time.Minute, true, 0},               // t=10m
		{time.Minute, true, 0},                   // t=11m
		{time.Minute, true, 3 * time.Minute},     // t=12m: five within 15m; t=0 leaves at 15m
		{2 * time.Minute, false, time.Minute},    // t=14m
		{time.Minute, false, 0},                  // t=15m: four left
		{0, true, 5 * time.Minute},               // t=15m: five again; t=5m leaves at 20m
		{5 * time.Minute, false, 0},              // t=20m
		{0, true, 5 * time.Minute},               // t=20m: t=10m leaves at 25m
		{5 * time.Minute, true, 1 * time.Minute}, // t=25m: 11m,12m,15m,20m,25m; 11m leaves at 26m
		{time.Minute, false, 0},                  // t=26m
	}
	for i, step := range steps {
		clock.Advance(step.advance)
		l := limiters[i%2]
		if step.fail {
			attempt, err := l.Reserve(ctx, "alice", "")
			require.NoError(t, err, "step %d", i)
			require.NoError(t, attempt.Failed(ctx))
		}
		assert.Equal(t, step.wantRetry, retryAfter(t, limiters[(i+1)%2], "alice", ""), "step %d", i)
	}
}
