package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

func testAddFailure(t *testing.T, fresh Fresh) {
	tests := []struct {
		name  string
		setup func(e *env)
		keys  []string
		at    time.Time
		want  map[string]throttle.Usage // with Max all, at t0
	}{
		{"a failure at at under every key", func(*env) {}, []string{acct, addr}, t0.Add(-time.Minute),
			map[string]throttle.Usage{acct: {Count: 1, Oldest: t0.Add(-time.Minute)}, addr: {Count: 1, Oldest: t0.Add(-time.Minute)}, other: {}}},
		{"without counting first: past any limit", func(e *env) { e.failed(6, t0.Add(-2*time.Minute), acct) }, []string{acct}, t0.Add(-time.Minute),
			map[string]throttle.Usage{acct: {Count: 7, Oldest: t0.Add(-2 * time.Minute)}}},
		{"attempts in progress stay as they are", func(e *env) { e.reserve(t0.Add(-2*time.Minute), acct) }, []string{acct}, t0.Add(-time.Minute),
			map[string]throttle.Usage{acct: {Count: 2, Pending: true, Oldest: t0.Add(-2 * time.Minute)}}},
		{"a time already out of the window is not counted", func(*env) {}, []string{acct}, t0.Add(-window),
			map[string]throttle.Usage{acct: {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fresh)
			tt.setup(e)
			require.NoError(t, e.store.AddFailure(e.ctx, tt.keys, tt.at, window))
			for key, want := range tt.want {
				assertUsage(t, []throttle.Usage{want}, []throttle.Usage{e.usage(key, all, t0)}, "key %q", key)
			}
		})
	}
	t.Run("counted from at, for a window", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, fresh)
		e.failed(1, t0, acct)
		assert.Equal(t, 1, e.count(acct, t0.Add(-time.Minute)), "an entry after now counts too")
		assert.Equal(t, 1, e.count(acct, t0.Add(window-time.Microsecond)))
		assert.Equal(t, 0, e.count(acct, t0.Add(window)))
	})
}

func testReset(t *testing.T, fresh Fresh) {
	tests := []struct {
		name  string
		setup func(e *env)
		key   string
		want  map[string]throttle.Usage // with Max all, at t0
	}{
		{"the key's failures go, its attempts in progress stay", func(e *env) {
			e.failed(3, t0.Add(-2*time.Minute), acct, addr)
			e.reserve(t0.Add(-time.Minute), acct)
		}, acct, map[string]throttle.Usage{
			acct: {Count: 1, Pending: true, Oldest: t0.Add(-time.Minute)},
			addr: {Count: 3, Oldest: t0.Add(-2 * time.Minute)},
		}},
		{"failed attempts go too", func(e *env) {
			id := e.reserve(t0.Add(-2*time.Minute), acct)
			require.NoError(e.t, e.store.Fail(e.ctx, id, []string{acct}, t0.Add(-time.Minute), window))
		}, acct, map[string]throttle.Usage{acct: {}}},
		{"other keys stay", func(e *env) { e.failed(2, t0.Add(-time.Minute), other) }, acct,
			map[string]throttle.Usage{acct: {}, other: {Count: 2, Oldest: t0.Add(-time.Minute)}}},
		{"a key without failures: nothing to do", func(*env) {}, acct, map[string]throttle.Usage{acct: {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fresh)
			tt.setup(e)
			require.NoError(t, e.store.Reset(e.ctx, tt.key))
			for key, want := range tt.want {
				assertUsage(t, []throttle.Usage{want}, []throttle.Usage{e.usage(key, all, t0)}, "key %q", key)
			}
			require.NoError(t, e.store.Reset(e.ctx, tt.key), "a second Reset")
		})
	}
}

// testCleanup follows a store through an hour and a quarter of failures
// and clean-ups. Nothing is written under a key after its entries have
// left the window, so no store has dropped any of them on its own and the
// counts are exact.
func testCleanup(t *testing.T, fresh Fresh) {
	e := newEnv(t, fresh)
	cleanup := func(before time.Time) int64 {
		t.Helper()
		n, err := e.store.Cleanup(e.ctx, before)
		require.NoError(t, err)
		return n
	}
	assert.Zero(t, cleanup(t0), "an empty store")

	e.failed(1, t0, acct, addr)
	e.reserve(t0, "account:carol") // never ended
	t10 := t0.Add(10 * time.Minute)
	e.failed(1, t10, acct, addr)
	e.failed(1, t10, other)
	assert.Zero(t, cleanup(t10.Add(-window)), "everything is still within the window")
	assert.Equal(t, 2, e.count(acct, t10))

	t15 := t0.Add(window)
	assert.Equal(t, int64(3), cleanup(t15.Add(-window)), "the account's, the address's and carol's entries of t0: at before is gone")
	for key, want := range map[string]int{acct: 1, addr: 1, other: 1, "account:carol": 0} {
		assert.Equal(t, want, e.count(key, t15), "cleaning up changes no answer: %q", key)
		assert.Equal(t, want, e.count(key, t0.Add(time.Minute)), "%q: what is cleaned up is gone even at an earlier now", key)
	}
	e.failed(1, t15, acct)
	assert.Equal(t, 2, e.count(acct, t15))

	assert.Equal(t, int64(4), cleanup(t15.Add(time.Hour-window)))
	for _, key := range []string{acct, addr, other} {
		assert.Zero(t, e.count(key, t15), "%q", key)
	}
	assert.Zero(t, cleanup(t15.Add(time.Hour)), "nothing left")
}
