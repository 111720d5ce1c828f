package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// model is the simplest store there is: every entry in a list, never
// dropped until Cleanup.
type model struct {
	entries []modelEntry
}

type modelEntry struct {
	key     string
	at      time.Time
	id      string
	pending bool
}

func (m *model) usage(l throttle.Limit, now time.Time) throttle.Usage {
	var within []modelEntry
	for _, e := range m.entries {
		if e.key == l.Key && e.at.After(now.Add(-window)) {
			within = append(within, e)
		}
	}
	slices.SortFunc(within, func(a, b modelEntry) int { return b.at.Compare(a.at) })
	within = within[:min(len(within), l.Max)]
	if len(within) == 0 {
		return throttle.Usage{}
	}
	u := throttle.Usage{Count: len(within), Oldest: within[len(within)-1].at}
	for _, e := range within {
		u.Pending = u.Pending || e.pending
	}
	return u
}

func (m *model) drop(match func(modelEntry) bool) int {
	n := len(m.entries)
	m.entries = slices.DeleteFunc(m.entries, match)
	return n - len(m.entries)
}

// attempt is a reservation the sequence made, which it may end.
type attempt struct {
	id   string
	keys []string
	at   time.Time
}

// testModel runs a long random sequence of calls, with the clock moving
// forward between them, and checks every answer against the model's. The
// seed is logged, so that a failing sequence can be run again.
func testModel(t *testing.T, fresh Fresh) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	e := newEnv(t, fresh)
	handles := []throttle.Store{e.store, e.open(t)}
	pool := []string{"account:a", "account:b", "address:x", "address:y"}
	someKeys := func() []string {
		keys := slices.Clone(pool)
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		return keys[:1+rng.IntN(2)]
	}
	someLimits := func(keys []string) []throttle.Limit {
		limits := make([]throttle.Limit, len(keys))
		for i, key := range keys {
			limits[i] = throttle.Limit{Key: key, Max: 1 + rng.IntN(4)}
		}
		return limits
	}
	subset := func(keys []string) []string {
		if len(keys) > 1 && rng.IntN(3) == 0 {
			i := rng.IntN(len(keys))
			return keys[i : i+1]
		}
		return keys
	}

	var m model
	var attempts []attempt
	now := t0
	const steps = 800
	for step := range steps {
		now = now.Add(time.Duration(1+rng.Int64N(int64(4*time.Minute/time.Microsecond))) * time.Microsecond)
		s := handles[rng.IntN(2)]
		// Only attempts whose reservation is within the window are ended:
		// an older pending entry may already be gone from a store.
		var live []attempt
		for _, a := range attempts {
			if a.at.After(now.Add(-window)) {
				live = append(live, a)
			}
		}
		attempts = live
		at := fmt.Sprintf("step %d at %s", step, now.Sub(t0))

		switch op := rng.IntN(100); {
		case op < 30:
			keys := someKeys()
			limits := someLimits(keys)
			id := e.id()
			got, err := s.Reserve(e.ctx, id, limits, now, window)
			require.NoError(t, err, at)
			want := make([]throttle.Usage, len(limits))
			room := true
			for i, l := range limits {
				want[i] = m.usage(l, now)
				room = room && want[i].Count < l.Max
			}
			if !assertUsage(t, want, got, at+": Reserve") {
				return
			}
			if room {
				for _, key := range keys {
					m.entries = append(m.entries, modelEntry{key: key, at: now, id: id, pending: true})
				}
				attempts = append(attempts, attempt{id: id, keys: keys, at: now})
			}
		case op < 45:
			limits := someLimits(someKeys())
			got, err := s.Usage(e.ctx, limits, now, window)
			require.NoError(t, err, at)
			want := make([]throttle.Usage, len(limits))
			for i, l := range limits {
				want[i] = m.usage(l, now)
			}
			if !assertUsage(t, want, got, at+": Usage") {
				return
			}
		case op < 80:
			if len(attempts) == 0 {
				continue
			}
			a := attempts[rng.IntN(len(attempts))]
			keys := subset(a.keys)
			mine := func(e modelEntry) bool { return e.pending && e.id == a.id && slices.Contains(keys, e.key) }
			switch {
			case op < 60:
				require.NoError(t, s.Fail(e.ctx, a.id, keys, now, window), at)
				for i, entry := range m.entries {
					if mine(entry) {
						m.entries[i] = modelEntry{key: entry.key, at: now, id: entry.id}
					}
				}
			case op < 70:
				reset := pool[rng.IntN(len(pool))]
				require.NoError(t, s.Succeed(e.ctx, a.id, keys, reset), at)
				m.drop(func(e modelEntry) bool { return mine(e) || (e.key == reset && !e.pending) })
			default:
				require.NoError(t, s.Cancel(e.ctx, a.id, keys), at)
				m.drop(mine)
			}
		case op < 90:
			keys := someKeys()
			require.NoError(t, s.AddFailure(e.ctx, keys, now, window), at)
			for _, key := range keys {
				m.entries = append(m.entries, modelEntry{key: key, at: now})
			}
		case op < 95:
			key := pool[rng.IntN(len(pool))]
			require.NoError(t, s.Reset(e.ctx, key), at)
			m.drop(func(e modelEntry) bool { return e.key == key && !e.pending })
		default:
			before := now.Add(-window - time.Duration(rng.Int64N(int64(window))))
			got, err := s.Cleanup(e.ctx, before)
			require.NoError(t, err, at)
			want := m.drop(func(e modelEntry) bool { return !e.at.After(before) })
			// A store may have dropped some of them on its own already.
			assert.GreaterOrEqual(t, got, int64(0), at)
			assert.LessOrEqual(t, got, int64(want), at+": Cleanup counts only what it deleted")
		}

		got, err := handles[rng.IntN(2)].Usage(e.ctx, limitsOf(all, pool...), now, window)
		require.NoError(t, err, at)
		want := make([]throttle.Usage, len(pool))
		for i, key := range pool {
			want[i] = m.usage(throttle.Limit{Key: key, Max: all}, now)
		}
		if !assertUsage(t, want, got, at+": every key") {
			return
		}
	}
}
