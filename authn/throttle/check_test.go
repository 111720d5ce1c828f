package throttle_test

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// login is the handler flow the package documents: Reserve, then the
// password, then the attempt's outcome.
func login(ctx context.Context, l *throttle.Limiter, account, address, password string) error {
	attempt, err := l.Reserve(ctx, account, address)
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(password), []byte("correct horse")) != 1 {
		if err := attempt.Failed(ctx); err != nil {
			return err
		}
		return authn.ErrInvalidCredentials
	}
	return attempt.Succeeded(ctx)
}

func TestFifthFailureThrottles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{})
	start := f.clock.Now()

	for i := 1; i <= 4; i++ {
		err := login(ctx, f.limiter, "alice@example.com", "192.0.2.1", "wrong")
		require.ErrorIs(t, err, authn.ErrInvalidCredentials, "failure %d", i)
		assert.Zero(t, f.retryAfter(t, "alice@example.com", "192.0.2.1"), "after %d failures", i)
		f.clock.Advance(time.Minute)
	}
	// The fifth failure, at start+4m.
	err := login(ctx, f.limiter, "alice@example.com", "192.0.2.1", "wrong")
	require.ErrorIs(t, err, authn.ErrInvalidCredentials)

	// The first failure leaves the window at start+15m: 11 minutes from now.
	assert.Equal(t, start.Add(15*time.Minute).Sub(f.clock.Now()), f.retryAfter(t, "alice@example.com", "192.0.2.1"))
	assert.Equal(t, 11*time.Minute, f.retryAfter(t, "alice@example.com", ""), "the address does not matter")

	// The right password does not get through: Reserve runs first.
	err = login(ctx, f.limiter, "alice@example.com", "192.0.2.1", "correct horse")
	assert.ErrorIs(t, err, authn.ErrThrottled)
	assert.NotErrorIs(t, err, authn.ErrInvalidCredentials)
	assert.EqualError(t, err, "too many attempts: retry after 660s")
	assert.Equal(t, 5, f.counted(t, "account:alice@example.com"), "a refused attempt is not a failure")
	assert.Equal(t, 5, f.counted(t, "address:192.0.2.1"), "a refused attempt is not a failure")
}

func TestThrottleLiftsWhenTheWindowPasses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{})
	f.fail(t, 5, "alice", "192.0.2.1")

	assert.Equal(t, 15*time.Minute, f.retryAfter(t, "alice", "192.0.2.1"))
	f.clock.Advance(15*time.Minute - time.Microsecond)
	assert.Equal(t, time.Second, f.retryAfter(t, "alice", "192.0.2.1"), "RetryAfter is never under a second")
	f.clock.Advance(time.Microsecond)
	assert.NoError(t, f.limiter.Check(ctx, "alice", "192.0.2.1"), "allowed exactly when the window has passed")

	// One more failure does not throttle: the first five no longer count.
	f.fail(t, 1, "alice", "192.0.2.1")
	assert.Zero(t, f.retryAfter(t, "alice", "192.0.2.1"))
}

func TestSlidingWindow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, throttle.Config{})

	steps := []struct {
		advance   time.Duration // before this step
		fail      bool          // record a failure at this step
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
		f.clock.Advance(step.advance)
		if step.fail {
			f.fail(t, 1, "alice", "")
		}
		assert.Equal(t, step.wantRetry, f.retryAfter(t, "alice", ""), "step %d", i)
	}
}

func TestRetryAfterCountsOnlyTheNewestFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t, throttle.Config{MaxFailures: 3})
	// Seven failures a minute apart, more than the limit (as when callers
	// record failures without checking first).
	for i := 0; i < 7; i++ {
		f.fail(t, 1, "alice", "")
		f.clock.Advance(time.Minute)
	}
	// Now t=7m; failures at 0..6m. Allowed once only two remain: when the
	// one at 4m leaves, at 19m.
	assert.Equal(t, 12*time.Minute, f.retryAfter(t, "alice", ""))
}

func TestRetryAfterIsTheLaterOfAccountAndAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t, throttle.Config{MaxFailures: 2, MaxFailuresPerAddress: 3})
	f.fail(t, 1, "bob", "192.0.2.9") // t=0
	f.clock.Advance(5 * time.Minute)
	f.fail(t, 2, "alice", "192.0.2.9") // t=5m
	// alice: two failures at 5m, free at 20m; the address: three, the
	// oldest at 0, free at 15m.
	assert.Equal(t, 15*time.Minute, f.retryAfter(t, "alice", "192.0.2.9"))
	assert.Equal(t, 10*time.Minute, f.retryAfter(t, "carol", "192.0.2.9"))
	assert.Zero(t, f.retryAfter(t, "carol", "192.0.2.10"))
}

func TestAccountsAreIndependent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, throttle.Config{})
	f.fail(t, 5, "alice@example.com", "")

	tests := []struct {
		account string
		refused bool
	}{
		{"alice@example.com", true},
		{"bob@example.com", false},
		{"Alice@example.com", false}, // as given: callers normalise
		{"alice@example.com ", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.refused, f.retryAfter(t, tt.account, "") > 0, "account %q", tt.account)
	}
}

func TestPerAddressLimitAcrossAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t, throttle.Config{}) // the default: 50 per address
	const address = "203.0.113.7"
	for i := 0; i < 49; i++ {
		f.fail(t, 1, fmt.Sprintf("user-%d", i), address)
	}
	assert.Zero(t, f.retryAfter(t, "user-0", address), "49 failures from one address pass")

	f.fail(t, 1, "user-49", address)
	for _, account := range []string{"user-0", "user-49", "someone-new"} {
		assert.Equal(t, 15*time.Minute, f.retryAfter(t, account, address), "%s from the busy address", account)
	}
	assert.Zero(t, f.retryAfter(t, "someone-new", "203.0.113.8"), "another address")
	assert.Zero(t, f.retryAfter(t, "user-0", ""), "an unknown address is not counted")
	assert.Zero(t, f.retryAfter(t, "user-0", "203.0.113.70"), "addresses are matched whole")
}

func TestResetClearsTheAccountButNotTheAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{MaxFailures: 3, MaxFailuresPerAddress: 5})
	f.fail(t, 3, "alice", "192.0.2.1")
	f.fail(t, 3, "bob", "192.0.2.2")
	require.NotZero(t, f.retryAfter(t, "alice", "192.0.2.3"))

	require.NoError(t, f.limiter.Reset(ctx, "alice"))
	assert.Zero(t, f.retryAfter(t, "alice", "192.0.2.3"), "the account is cleared")
	assert.NotZero(t, f.retryAfter(t, "bob", "192.0.2.3"), "other accounts are not")

	// The address keeps its three failures: two more, from anyone, reach 5.
	f.fail(t, 2, "carol", "192.0.2.1")
	assert.NotZero(t, f.retryAfter(t, "alice", "192.0.2.1"), "the address is still counted")
	assert.Zero(t, f.retryAfter(t, "alice", "192.0.2.3"))

	assert.NoError(t, f.limiter.Reset(ctx, "nobody"), "an account without failures")
}

func TestInvalidInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{})
	long := func(n int) string { return fmt.Sprintf("%0*d", n, 0) }

	tests := []struct {
		name             string
		account, address string
		wantErr          error
	}{
		{"empty account", "", "192.0.2.1", throttle.ErrInvalidAccount},
		{"account too long", long(throttle.MaxAccountLength + 1), "", throttle.ErrInvalidAccount},
		{"address too long", "alice", long(throttle.MaxAddressLength + 1), throttle.ErrInvalidAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, f.limiter.Check(ctx, tt.account, tt.address), tt.wantErr)
			assert.ErrorIs(t, f.limiter.RecordFailure(ctx, tt.account, tt.address), tt.wantErr)
		})
	}
	assert.ErrorIs(t, f.limiter.Reset(ctx, ""), throttle.ErrInvalidAccount)
	assert.Zero(t, f.store.calls.Load(), "the store is not called")

	longest := "fe80::1%" + strings.Repeat("z", throttle.MaxAddressLength-len("fe80::1%")) // an IPv6 address with a long zone
	require.NoError(t, f.limiter.RecordFailure(ctx, long(throttle.MaxAccountLength), longest))
	assert.Equal(t, 1, f.counted(t, "account:"+long(throttle.MaxAccountLength)), "the limits themselves are accepted")
	assert.Equal(t, 1, f.counted(t, "address:fe80::/64"), "the limits themselves are accepted")
}
