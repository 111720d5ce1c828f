package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// race runs n calls at once, from more goroutines than cores, released
// together, and returns when all are done.
func race(n int, call func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			call(i)
		}()
	}
	close(start)
	wg.Wait()
}

// testRacingReservations starts many reservations at once, spread over
// two handles on one data set, as two replicas would: exactly Max of them
// find room, whichever handle they reach.
func testRacingReservations(t *testing.T, fresh Fresh) {
	raiseProcs(t)
	tests := []struct {
		name   string
		limits func(i int) []throttle.Limit
		want   int
		shared []string // the keys every reservation is under
	}{
		{"one key", func(int) []throttle.Limit { return []throttle.Limit{{Key: acct, Max: 5}} }, 5, []string{acct}},
		{"two keys, the first the tighter", func(int) []throttle.Limit {
			return []throttle.Limit{{Key: acct, Max: 5}, {Key: addr, Max: 7}}
		}, 5, []string{acct, addr}},
		{"two keys, the second the tighter, in either order", func(i int) []throttle.Limit {
			if i%2 == 0 {
				return []throttle.Limit{{Key: addr, Max: 3}, {Key: acct, Max: 5}}
			}
			return []throttle.Limit{{Key: acct, Max: 5}, {Key: addr, Max: 3}}
		}, 3, []string{acct, addr}},
		{"one shared key among keys of their own", func(i int) []throttle.Limit {
			return []throttle.Limit{{Key: fmt.Sprintf("account:user-%d", i), Max: 5}, {Key: addr, Max: 7}}
		}, 7, []string{addr}},
	}
	for _, tt := range tests {
		for _, n := range []int{20, 40} {
			t.Run(fmt.Sprintf("%s, %d at once", tt.name, n), func(t *testing.T) {
				t.Parallel()
				e := newEnv(t, fresh)
				handles := []throttle.Store{e.store, e.open(t)}
				won := make([]bool, n)
				errs := make([]error, n)
				race(n, func(i int) {
					limits := tt.limits(i)
					var got []throttle.Usage
					got, errs[i] = handles[i%2].Reserve(e.ctx, e.id(), limits, t0, window)
					if errs[i] == nil && len(got) == len(limits) {
						won[i] = true
						for j, u := range got {
							won[i] = won[i] && u.Count < limits[j].Max
						}
					}
				})
				winners := 0
				for i := range n {
					require.NoError(t, errs[i], "reservation %d", i)
					if won[i] {
						winners++
					}
				}
				assert.Equal(t, tt.want, winners, "reservations that found room")
				for _, key := range tt.shared {
					assertUsage(t, []throttle.Usage{{Count: winners, Pending: true, Oldest: t0}}, []throttle.Usage{e.usage(key, all, t0)},
						"one pending entry under %q per winner, none from the others", key)
				}
			})
		}
	}
}

// testRacingEnds races the calls that end attempts and record failures:
// every one is counted exactly once, and reservations racing with
// cancellations never take more than the places freed.
func testRacingEnds(t *testing.T, fresh Fresh) {
	raiseProcs(t)
	t.Run("failures recorded at once are all counted", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, fresh)
		handles := []throttle.Store{e.store, e.open(t)}
		const n = 39
		errs := make([]error, n)
		race(n, func(i int) {
			errs[i] = handles[i%2].AddFailure(e.ctx, []string{acct, addr}, t0.Add(time.Duration(i)*time.Microsecond), window)
		})
		for _, err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, n, e.count(acct, t1))
		assert.Equal(t, n, e.count(addr, t1))
	})

	t.Run("attempts failed and cancelled at once", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, fresh)
		handles := []throttle.Store{e.store, e.open(t)}
		const n = 30
		ids := make([]string, n)
		for i := range ids {
			ids[i] = e.reserve(t0, acct, addr)
		}
		errs := make([]error, n)
		race(n, func(i int) {
			if i%3 == 0 {
				errs[i] = handles[i%2].Cancel(e.ctx, ids[i], []string{acct, addr})
				return
			}
			errs[i] = handles[i%2].Fail(e.ctx, ids[i], []string{acct, addr}, t1, window)
		})
		for _, err := range errs {
			require.NoError(t, err)
		}
		for _, key := range []string{acct, addr} {
			assertUsage(t, []throttle.Usage{{Count: n - n/3, Oldest: t1}}, []throttle.Usage{e.usage(key, all, t1)}, "key %q", key)
		}
	})

	t.Run("reservations racing with cancellations take only the places freed", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, fresh)
		handles := []throttle.Store{e.store, e.open(t)}
		limits := []throttle.Limit{{Key: acct, Max: 5}}
		ids := make([]string, 5)
		for i := range ids {
			ids[i] = e.reserve(t0, acct)
		}
		const n = 24
		won := make([]bool, n)
		errs := make([]error, n)
		race(n, func(i int) {
			h := handles[i%2]
			if i < 2 {
				errs[i] = h.Cancel(e.ctx, ids[i], []string{acct})
				return
			}
			var got []throttle.Usage
			got, errs[i] = h.Reserve(e.ctx, e.id(), limits, t1, window)
			won[i] = errs[i] == nil && len(got) == 1 && got[0].Count < 5
		})
		winners := 0
		for i := range n {
			require.NoError(t, errs[i])
			if won[i] {
				winners++
			}
		}
		assert.LessOrEqual(t, winners, 2, "two places were freed")
		assert.Equal(t, 3+winners, e.count(acct, t1))
		assert.LessOrEqual(t, e.count(acct, t1), 5)
	})
}
