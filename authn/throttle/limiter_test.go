package throttle_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/memstore"
)

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	_, err := throttle.New(nil, throttle.Config{})
	assert.ErrorIs(t, err, throttle.ErrInvalidConfig)
	for _, cfg := range []throttle.Config{
		{MaxFailures: -1},
		{MaxFailuresPerAddress: -1},
		{Window: -time.Minute},
		{Window: 500 * time.Millisecond},
	} {
		_, err := throttle.New(memstore.New(), cfg)
		assert.ErrorIs(t, err, throttle.ErrInvalidConfig, "%+v", cfg)
	}

	limiter, err := throttle.New(memstore.New(), throttle.Config{})
	require.NoError(t, err, "the zero Config works")
	for i := 0; i < throttle.DefaultMaxFailures; i++ {
		require.NoError(t, limiter.Check(ctx, "alice", ""))
		require.NoError(t, limiter.RecordFailure(ctx, "alice", ""))
	}
	assert.Error(t, limiter.Check(ctx, "alice", ""))
}

func TestCleanup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{MaxFailures: 2})
	f.fail(t, 1, "alice", "192.0.2.1") // t=0
	f.clock.Advance(10 * time.Minute)
	f.fail(t, 1, "alice", "192.0.2.1") // t=10m
	f.fail(t, 1, "bob", "")            // t=10m

	deleted, err := f.limiter.Cleanup(ctx)
	require.NoError(t, err)
	assert.Zero(t, deleted, "everything is still within the window")

	f.clock.Advance(5 * time.Minute) // t=15m: the first failure has left
	deleted, err = f.limiter.Cleanup(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), deleted, "the account's and the address's entries of t=0")
	assert.Zero(t, f.retryAfter(t, "alice", "192.0.2.1"), "cleaning up changes no answer")
	f.fail(t, 1, "alice", "")
	assert.Equal(t, 10*time.Minute, f.retryAfter(t, "alice", ""))

	f.clock.Advance(time.Hour)
	deleted, err = f.limiter.Cleanup(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(4), deleted)
}
