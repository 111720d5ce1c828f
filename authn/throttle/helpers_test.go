package throttle_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/memstore"
)

// fixture is a limiter on a memstore with a fake clock. The stores'
// behaviour, across processes and databases, is storetest's to check;
// these tests are about the Limiter's own logic.
type fixture struct {
	limiter *throttle.Limiter
	store   *recorder
	clock   *authntest.Clock
	cfg     throttle.Config
}

// newFixture builds a limiter from cfg, with the fixture's clock.
func newFixture(t *testing.T, cfg throttle.Config) fixture {
	t.Helper()
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	cfg.Now = clock.Now
	store := &recorder{Store: memstore.New()}
	limiter, err := throttle.New(store, cfg)
	require.NoError(t, err)
	if cfg.Window == 0 {
		cfg.Window = throttle.DefaultWindow
	}
	return fixture{limiter: limiter, store: store, clock: clock, cfg: cfg}
}

// fail records n failures of account from address.
func (f fixture) fail(t *testing.T, n int, account, address string) {
	t.Helper()
	for i := 0; i < n; i++ {
		require.NoError(t, f.limiter.RecordFailure(context.Background(), account, address))
	}
}

// retryAfter returns the RetryAfter of Check's refusal, or 0 when Check
// allows the attempt; it fails the test on any other error.
func (f fixture) retryAfter(t *testing.T, account, address string) time.Duration {
	t.Helper()
	err := f.limiter.Check(context.Background(), account, address)
	if err == nil {
		return 0
	}
	var throttled *authn.ThrottledError
	require.True(t, errors.As(err, &throttled), "Check returned %v", err)
	require.ErrorIs(t, err, authn.ErrThrottled)
	return throttled.RetryAfter
}

// counted returns how many failures and attempts in progress count
// against key now, in the Limiter's spelling of keys ("account:alice",
// "address:192.0.2.1").
func (f fixture) counted(t *testing.T, key string) int {
	t.Helper()
	u, err := f.store.Store.Usage(context.Background(), []throttle.Limit{{Key: key, Max: 1 << 20}}, f.clock.Now(), f.cfg.Window)
	require.NoError(t, err)
	return u[0].Count
}

// recorder is a Store that counts the calls made to it.
type recorder struct {
	throttle.Store
	calls atomic.Int64
}

func (r *recorder) Reserve(ctx context.Context, id string, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	r.calls.Add(1)
	return r.Store.Reserve(ctx, id, limits, now, window)
}

func (r *recorder) Usage(ctx context.Context, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	r.calls.Add(1)
	return r.Store.Usage(ctx, limits, now, window)
}

func (r *recorder) Fail(ctx context.Context, id string, keys []string, now time.Time, window time.Duration) error {
	r.calls.Add(1)
	return r.Store.Fail(ctx, id, keys, now, window)
}

func (r *recorder) Succeed(ctx context.Context, id string, keys []string, reset string) error {
	r.calls.Add(1)
	return r.Store.Succeed(ctx, id, keys, reset)
}

func (r *recorder) Cancel(ctx context.Context, id string, keys []string) error {
	r.calls.Add(1)
	return r.Store.Cancel(ctx, id, keys)
}

func (r *recorder) AddFailure(ctx context.Context, keys []string, at time.Time, window time.Duration) error {
	r.calls.Add(1)
	return r.Store.AddFailure(ctx, keys, at, window)
}

func (r *recorder) Reset(ctx context.Context, key string) error {
	r.calls.Add(1)
	return r.Store.Reset(ctx, key)
}

func (r *recorder) Cleanup(ctx context.Context, before time.Time) (int64, error) {
	r.calls.Add(1)
	return r.Store.Cleanup(ctx, before)
}

// brokenStore is a Store that fails every call, as a database that does
// not answer does; or, when short, answers Reserve and Usage with no
// counts at all.
type brokenStore struct {
	short bool
}

var errBroken = errors.New("the store does not answer")

func (b brokenStore) Reserve(context.Context, string, []throttle.Limit, time.Time, time.Duration) ([]throttle.Usage, error) {
	if b.short {
		return nil, nil
	}
	return nil, errBroken
}

func (b brokenStore) Usage(context.Context, []throttle.Limit, time.Time, time.Duration) ([]throttle.Usage, error) {
	if b.short {
		return []throttle.Usage{}, nil
	}
	return nil, errBroken
}

func (brokenStore) Fail(context.Context, string, []string, time.Time, time.Duration) error {
	return errBroken
}
func (brokenStore) Succeed(context.Context, string, []string, string) error { return errBroken }
func (brokenStore) Cancel(context.Context, string, []string) error          { return errBroken }
func (brokenStore) AddFailure(context.Context, []string, time.Time, time.Duration) error {
	return errBroken
}
func (brokenStore) Reset(context.Context, string) error               { return errBroken }
func (brokenStore) Cleanup(context.Context, time.Time) (int64, error) { return 0, errBroken }
