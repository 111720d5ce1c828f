package throttle_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// The stories of attempts ended in every way, and attempts racing across
// replicas, are storetest's (LimiterAttemptOutcomes,
// LimiterReplicasAdmitExactlyTheLimit), run on every store.

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
	assert.Equal(t, 1, f.counted(t, "account:alice"), "the guess is counted")
}

// TestReserveRefusesBadInput checks that the store is not even called for
// input Reserve refuses.
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
	assert.Zero(t, f.store.calls.Load())
}

// TestOneStoreCallPerStep checks that each step of a login, and each other
// method, is one call to the store: one round trip where the store is a
// server.
func TestOneStoreCallPerStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, throttle.Config{})
	steps := []struct {
		name string
		step func() error
	}{
		{"Check", func() error { return f.limiter.Check(ctx, "alice", "192.0.2.1") }},
		{"RecordFailure", func() error { return f.limiter.RecordFailure(ctx, "alice", "192.0.2.1") }},
		{"Reset", func() error { return f.limiter.Reset(ctx, "alice") }},
		{"Cleanup", func() error { _, err := f.limiter.Cleanup(ctx); return err }},
	}
	for _, end := range []struct {
		name string
		end  func(*throttle.Attempt) error
	}{
		{"Failed", func(a *throttle.Attempt) error { return a.Failed(ctx) }},
		{"Succeeded", func(a *throttle.Attempt) error { return a.Succeeded(ctx) }},
		{"Cancel", func(a *throttle.Attempt) error { return a.Cancel(ctx) }},
	} {
		var attempt *throttle.Attempt
		steps = append(steps,
			struct {
				name string
				step func() error
			}{"Reserve", func() error {
				var err error
				attempt, err = f.limiter.Reserve(ctx, "bob", "192.0.2.1")
				return err
			}},
			struct {
				name string
				step func() error
			}{end.name, func() error { return end.end(attempt) }},
		)
	}
	for _, s := range steps {
		before := f.store.calls.Load()
		require.NoError(t, s.step(), s.name)
		assert.Equal(t, int64(1), f.store.calls.Load()-before, "%s: one call", s.name)
	}
}

// TestStoreFailuresAreErrStore checks that a store that does not answer,
// or answers with fewer counts than it was asked for, fails every method
// with ErrStore: never throttling, which would tell the client to come
// back, and never room.
func TestStoreFailuresAreErrStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, store := range []brokenStore{{}, {short: true}} {
		limiter, err := throttle.New(store, throttle.Config{})
		require.NoError(t, err)
		a, err := limiter.Reserve(ctx, "alice", "192.0.2.1")
		assert.Nil(t, a)
		assert.ErrorIs(t, err, throttle.ErrStore, "Reserve")
		assert.False(t, errors.Is(err, authn.ErrThrottled))
		err = limiter.Check(ctx, "alice", "192.0.2.1")
		assert.ErrorIs(t, err, throttle.ErrStore, "Check")
		assert.False(t, errors.Is(err, authn.ErrThrottled))
		if store.short {
			continue
		}
		assert.ErrorIs(t, err, errBroken, "the store's own error is kept")
		assert.ErrorIs(t, limiter.RecordFailure(ctx, "alice", ""), throttle.ErrStore)
		assert.ErrorIs(t, limiter.Reset(ctx, "alice"), throttle.ErrStore)
		_, err = limiter.Cleanup(ctx)
		assert.ErrorIs(t, err, throttle.ErrStore)
	}

	// The ends of an attempt, on a store that fails after the reservation.
	f := newFixture(t, throttle.Config{})
	for _, end := range []func(*throttle.Attempt) error{
		func(a *throttle.Attempt) error { return a.Failed(ctx) },
		func(a *throttle.Attempt) error { return a.Succeeded(ctx) },
		func(a *throttle.Attempt) error { return a.Cancel(ctx) },
	} {
		f.store.Store = failingEnds{f.store.Store}
		a, err := f.limiter.Reserve(ctx, "alice", "")
		require.NoError(t, err)
		err = end(a)
		assert.ErrorIs(t, err, throttle.ErrStore)
		assert.ErrorIs(t, err, errBroken)
		assert.ErrorIs(t, end(a), throttle.ErrAttemptFinished, "an attempt ends once, even in failure")
	}
}

// failingEnds is a Store whose ends of attempts fail.
type failingEnds struct{ throttle.Store }

func (failingEnds) Fail(context.Context, string, []string, time.Time, time.Duration) error {
	return errBroken
}
func (failingEnds) Succeed(context.Context, string, []string, string) error { return errBroken }
func (failingEnds) Cancel(context.Context, string, []string) error          { return errBroken }
