package throttle_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)

	_, err := throttle.New(ctx, nil, throttle.Config{})
	assert.ErrorIs(t, err, throttle.ErrInvalidConfig)
	for _, cfg := range []throttle.Config{
		{MaxFailures: -1},
		{MaxFailuresPerAddress: -1},
		{Window: -time.Minute},
		{Window: 500 * time.Millisecond},
	} {
		_, err := throttle.New(ctx, db, cfg)
		assert.ErrorIs(t, err, throttle.ErrInvalidConfig, "%+v", cfg)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = throttle.New(cancelled, testdb.Open(t), throttle.Config{})
	assert.ErrorIs(t, err, context.Canceled)

	limiter, err := throttle.New(ctx, db, throttle.Config{})
	require.NoError(t, err, "the zero Config works")
	for i := 0; i < throttle.DefaultMaxFailures; i++ {
		require.NoError(t, limiter.Check(ctx, "alice", ""))
		require.NoError(t, limiter.RecordFailure(ctx, "alice", ""))
	}
	assert.Error(t, limiter.Check(ctx, "alice", ""))
}

func TestFailuresSurviveANewLimiter(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, throttle.Config{})
		f.fail(t, 5, "alice", "192.0.2.1")
		f.clock.Advance(time.Minute)

		sqlDB, err := f.db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())

		restarted, err := throttle.New(ctx, f.database.Open(t), throttle.Config{Now: f.clock.Now})
		require.NoError(t, err)
		err = restarted.Check(ctx, "alice", "192.0.2.1")
		assert.EqualError(t, err, "too many attempts: retry after 840s")
		assert.NoError(t, restarted.Check(ctx, "bob", "192.0.2.1"))
	})
}

func TestCleanup(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, throttle.Config{MaxFailures: 2})
		f.fail(t, 1, "alice", "192.0.2.1") // t=0
		f.clock.Advance(10 * time.Minute)
		f.fail(t, 1, "alice", "192.0.2.1") // t=10m
		f.fail(t, 1, "bob", "")            // t=10m
		require.Equal(t, int64(5), f.rows(t))

		deleted, err := f.limiter.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, deleted, "everything is still within the window")

		f.clock.Advance(5 * time.Minute) // t=15m: the first failure has left
		deleted, err = f.limiter.Cleanup(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(2), deleted, "the account's and the address's rows of t=0")
		assert.Equal(t, int64(3), f.rows(t))
		assert.Zero(t, f.retryAfter(t, "alice", "192.0.2.1"), "cleaning up changes no answer")
		f.fail(t, 1, "alice", "")
		assert.Equal(t, 10*time.Minute, f.retryAfter(t, "alice", ""))

		f.clock.Advance(time.Hour)
		deleted, err = f.limiter.Cleanup(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(4), deleted)
		assert.Zero(t, f.rows(t))
	})
}

func TestConcurrentFailuresAreAllCounted(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		const n = 40
		f := newFixtureOn(t, b, throttle.Config{MaxFailures: n, MaxFailuresPerAddress: n})

		var wg sync.WaitGroup
		errs := make([]error, n-1)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = f.limiter.RecordFailure(ctx, "alice", "192.0.2.1")
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, int64(2*(n-1)), f.rows(t), "every failure is stored, for the account and the address")
		assert.Zero(t, f.retryAfter(t, "alice", ""), "one below the limit")
		assert.Zero(t, f.retryAfter(t, "bob", "192.0.2.1"), "one below the address limit")

		f.fail(t, 1, "alice", "192.0.2.1")
		assert.NotZero(t, f.retryAfter(t, "alice", ""), "the limit is reached")
		assert.NotZero(t, f.retryAfter(t, "bob", "192.0.2.1"), "the address limit is reached")
	})
}
