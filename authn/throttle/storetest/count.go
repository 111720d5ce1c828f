package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// countCases are stories of entries, and what Usage and Reserve count of
// them at t0.
var countCases = []struct {
	name   string
	setup  func(e *env)
	limits []throttle.Limit
	want   []throttle.Usage
}{
	{
		name:   "nothing stored",
		setup:  func(*env) {},
		limits: []throttle.Limit{{Key: "account:alice", Max: 3}},
		want:   []throttle.Usage{{}},
	},
	{
		name: "failures within the window",
		setup: func(e *env) {
			e.failed(1, t0.Add(-10*time.Minute), "account:alice")
			e.failed(1, t0.Add(-5*time.Minute), "account:alice")
		},
		limits: []throttle.Limit{{Key: "account:alice", Max: 3}},
		want:   []throttle.Usage{{Count: 2, Oldest: t0.Add(-10 * time.Minute)}},
	},
	{
		name: "the count stops at Max, and Oldest is the oldest of the newest Max",
		setup: func(e *env) {
			for m := 5; m >= 1; m-- {
				e.failed(1, t0.Add(-time.Duration(m)*time.Minute), "account:alice")
			}
		},
		limits: []throttle.Limit{{Key: "account:alice", Max: 3}},
		want:   []throttle.Usage{{Count: 3, Oldest: t0.Add(-3 * time.Minute)}},
	},
	{
		name: "attempts in progress count, and are reported",
		setup: func(e *env) {
			e.reserve(t0.Add(-2*time.Minute), "account:alice")
			e.failed(1, t0.Add(-time.Minute), "account:alice")
		},
		limits: []throttle.Limit{{Key: "account:alice", Max: 5}},
		want:   []throttle.Usage{{Count: 2, Pending: true, Oldest: t0.Add(-2 * time.Minute)}},
	},
	{
		name: "an attempt in progress older than the newest Max is not reported",
		setup: func(e *env) {
			e.reserve(t0.Add(-10*time.Minute), "account:alice")
			for m := 3; m >= 1; m-- {
				e.failed(1, t0.Add(-time.Duration(m)*time.Minute), "account:alice")
			}
		},
		limits: []throttle.Limit{{Key: "account:alice", Max: 3}},
		want:   []throttle.Usage{{Count: 3, Oldest: t0.Add(-3 * time.Minute)}},
	},
	{
		name: "an entry at the start of the window no longer counts; a microsecond later it does",
		setup: func(e *env) {
			e.failed(1, t0.Add(-window), "account:alice")
			e.reserve(t0.Add(-window), "account:bob")
			e.failed(1, t0.Add(-window+time.Microsecond), "account:carol")
		},
		limits: []throttle.Limit{{Key: "account:alice", Max: 3}, {Key: "account:bob", Max: 3}, {Key: "account:carol", Max: 3}},
		want:   []throttle.Usage{{}, {}, {Count: 1, Oldest: t0.Add(-window + time.Microsecond)}},
	},
	{
		name:   "entries after now count, as from a clock a little ahead",
		setup:  func(e *env) { e.failed(1, t0.Add(time.Minute), "account:alice") },
		limits: []throttle.Limit{{Key: "account:alice", Max: 3}},
		want:   []throttle.Usage{{Count: 1, Oldest: t0.Add(time.Minute)}},
	},
	{
		name: "each key on its own, answered in the order asked",
		setup: func(e *env) {
			e.failed(1, t0.Add(-time.Minute), "account:alice", "address:192.0.2.1")
			e.failed(1, t0.Add(-2*time.Minute), "address:192.0.2.1")
		},
		limits: []throttle.Limit{{Key: "address:192.0.2.1", Max: 50}, {Key: "account:alice", Max: 5}, {Key: "account:bob", Max: 5}},
		want:   []throttle.Usage{{Count: 2, Oldest: t0.Add(-2 * time.Minute)}, {Count: 1, Oldest: t0.Add(-time.Minute)}, {}},
	},
	{
		name:  "keys match exactly: not by case, accents, trailing spaces or prefix",
		setup: func(e *env) { e.failed(2, t0.Add(-time.Minute), "account:alice") },
		limits: []throttle.Limit{
			{Key: "account:Alice", Max: 3}, {Key: "account:ALICE", Max: 3}, {Key: "account:álice", Max: 3},
			{Key: "account:alice ", Max: 3}, {Key: "account:alic", Max: 3}, {Key: "account:alice2", Max: 3},
			{Key: "account:alice", Max: 3},
		},
		want: []throttle.Usage{{}, {}, {}, {}, {}, {}, {Count: 2, Oldest: t0.Add(-time.Minute)}},
	},
	{
		name: "ended attempts: cancelled and succeeded ones do not count, failed ones from when they failed",
		setup: func(e *env) {
			cancelled := e.reserve(t0.Add(-4*time.Minute), "account:alice")
			require.NoError(e.t, e.store.Cancel(e.ctx, cancelled, []string{"account:alice"}))
			failed := e.reserve(t0.Add(-3*time.Minute), "account:alice")
			require.NoError(e.t, e.store.Fail(e.ctx, failed, []string{"account:alice"}, t0.Add(-time.Minute), window))
			succeeded := e.reserve(t0.Add(-2*time.Minute), "account:alice")
			require.NoError(e.t, e.store.Succeed(e.ctx, succeeded, []string{"account:alice"}, "account:someone-else"))
		},
		limits: []throttle.Limit{{Key: "account:alice", Max: 3}},
		want:   []throttle.Usage{{Count: 1, Oldest: t0.Add(-time.Minute)}},
	},
}

// testCounting checks that Usage and Reserve count every story alike, that
// Usage writes nothing, and that Reserve, when every key has room, adds
// one pending entry under each.
func testCounting(t *testing.T, fresh Fresh) {
	for _, tt := range countCases {
		keys := make([]string, len(tt.limits))
		for i, l := range tt.limits {
			keys[i] = l.Key
		}
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			t.Run("Usage", func(t *testing.T) {
				e := newEnv(t, fresh)
				tt.setup(e)
				before := e.counts(t0, keys...)
				got, err := e.store.Usage(e.ctx, tt.limits, t0, window)
				require.NoError(t, err)
				assertUsage(t, tt.want, got)
				assert.Equal(t, before, e.counts(t0, keys...), "Usage writes nothing")
			})
			t.Run("Reserve", func(t *testing.T) {
				e := newEnv(t, fresh)
				tt.setup(e)
				before := e.counts(t0, keys...)
				got, err := e.store.Reserve(e.ctx, e.id(), tt.limits, t0, window)
				require.NoError(t, err)
				assertUsage(t, tt.want, got, "Reserve counts as Usage does, before it writes")
				room := true
				for i, u := range tt.want {
					room = room && u.Count < tt.limits[i].Max
				}
				after := e.counts(t0, keys...)
				for _, key := range keys {
					if room {
						assert.Equal(t, before[key].Count+1, after[key].Count, "%q: one more entry", key)
						assert.True(t, after[key].Pending, "%q: the new entry is pending", key)
					} else {
						assert.Equal(t, before[key], after[key], "%q: no room under every key, so nothing written", key)
					}
				}
			})
		})
	}
}

// testReserveWrites checks that Reserve writes under all its keys or none,
// that the entry it writes is pending at now under the id given, and that
// it reserves up to Max and no further.
func testReserveWrites(t *testing.T, fresh Fresh) {
	const acct, addr = "account:alice", "address:192.0.2.1"
	tests := []struct {
		name       string
		setup      func(e *env)
		limits     []throttle.Limit
		wantRoom   bool
		wantCounts map[string]int // after
	}{
		{"room under both", func(e *env) { e.failed(1, t0, acct, addr) },
			[]throttle.Limit{{Key: acct, Max: 2}, {Key: addr, Max: 2}}, true, map[string]int{acct: 2, addr: 2}},
		{"the first key full", func(e *env) { e.failed(2, t0, acct) },
			[]throttle.Limit{{Key: acct, Max: 2}, {Key: addr, Max: 5}}, false, map[string]int{acct: 2, addr: 0}},
		{"the second key full", func(e *env) { e.failed(5, t0, addr) },
			[]throttle.Limit{{Key: acct, Max: 2}, {Key: addr, Max: 5}}, false, map[string]int{acct: 0, addr: 5}},
		{"full of attempts in progress", func(e *env) { e.reserve(t0, acct); e.reserve(t0, acct) },
			[]throttle.Limit{{Key: acct, Max: 2}, {Key: addr, Max: 5}}, false, map[string]int{acct: 2, addr: 0}},
		{"a full key that is not asked about", func(e *env) { e.failed(9, t0, "account:bob") },
			[]throttle.Limit{{Key: acct, Max: 2}}, true, map[string]int{acct: 1, "account:bob": 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fresh)
			tt.setup(e)
			now := t0.Add(time.Second)
			id := e.id()
			got, err := e.store.Reserve(e.ctx, id, tt.limits, now, window)
			require.NoError(t, err)
			room := true
			for i, u := range got {
				room = room && u.Count < tt.limits[i].Max
			}
			assert.Equal(t, tt.wantRoom, room)
			for key, want := range tt.wantCounts {
				assert.Equal(t, want, e.count(key, now), "%q", key)
			}
			if !tt.wantRoom {
				return
			}
			for _, l := range tt.limits {
				assertUsage(t, []throttle.Usage{{Count: 1, Pending: true, Oldest: now}}, []throttle.Usage{e.usage(l.Key, 1, now)},
					"the newest entry of %q is the attempt, pending at now", l.Key)
			}
			keys := []string{tt.limits[0].Key}
			require.NoError(t, e.store.Fail(e.ctx, id, keys, now.Add(time.Second), window))
			assert.False(t, e.usage(keys[0], 1, now.Add(time.Second)).Pending, "the entry is under the id given")
		})
	}

	t.Run("up to Max and no further", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, fresh)
		limits := []throttle.Limit{{Key: acct, Max: 3}, {Key: addr, Max: 4}}
		for i := range 3 {
			got, err := e.store.Reserve(e.ctx, e.id(), limits, t0.Add(time.Duration(i)*time.Second), window)
			require.NoError(t, err)
			assertUsage(t, []throttle.Usage{
				{Count: i, Pending: i > 0, Oldest: timeIf(i > 0, t0)},
				{Count: i, Pending: i > 0, Oldest: timeIf(i > 0, t0)},
			}, got, "reservation %d", i+1)
		}
		now := t0.Add(3 * time.Second)
		got, err := e.store.Reserve(e.ctx, e.id(), limits, now, window)
		require.NoError(t, err)
		assertUsage(t, []throttle.Usage{{Count: 3, Pending: true, Oldest: t0}, {Count: 3, Pending: true, Oldest: t0}}, got, "the fourth")
		assert.Equal(t, 3, e.count(acct, now))
		assert.Equal(t, 3, e.count(addr, now), "the address had room, but the account had none")

		got, err = e.store.Reserve(e.ctx, e.id(), []throttle.Limit{{Key: "account:bob", Max: 3}, {Key: addr, Max: 4}}, now, window)
		require.NoError(t, err)
		assertUsage(t, []throttle.Usage{{}, {Count: 3, Pending: true, Oldest: t0}}, got)
		assert.Equal(t, 4, e.count(addr, now), "another account fills the address's fourth place")
	})
}

// timeIf returns t when cond holds, else the zero time.
func timeIf(cond bool, t time.Time) time.Time {
	if cond {
		return t
	}
	return time.Time{}
}
