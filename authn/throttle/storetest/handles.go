package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// testHandles checks that two handles on one data set, as two processes
// or one before and after a restart would have, see each other's writes,
// whichever writes.
func testHandles(t *testing.T, fresh Fresh) {
	e := newEnv(t, fresh)
	first, second := e.store, e.open(t)
	require.NotNil(t, second)

	id := e.id()
	_, err := first.Reserve(e.ctx, id, limitsOf(5, acct, addr), t0, window)
	require.NoError(t, err)
	require.NoError(t, second.AddFailure(e.ctx, []string{acct}, t0.Add(-time.Minute), window))
	got, err := second.Usage(e.ctx, limitsOf(5, acct, addr), t0, window)
	require.NoError(t, err)
	assertUsage(t, []throttle.Usage{{Count: 2, Pending: true, Oldest: t0.Add(-time.Minute)}, {Count: 1, Pending: true, Oldest: t0}}, got,
		"the second handle sees the first's reservation")

	require.NoError(t, second.Fail(e.ctx, id, []string{acct, addr}, t1, window), "the second handle ends the first's attempt")
	assertUsage(t, []throttle.Usage{{Count: 1, Oldest: t1}}, []throttle.Usage{e.usage(addr, all, t1)})

	require.NoError(t, first.Reset(e.ctx, acct))
	u, err := second.Usage(e.ctx, limitsOf(all, acct), t1, window)
	require.NoError(t, err)
	assertUsage(t, []throttle.Usage{{}}, u, "the second handle sees the reset")

	third := e.open(t)
	n, err := third.Cleanup(e.ctx, t1)
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "a third handle cleans up the address's failure")
	assert.Zero(t, e.count(addr, t0))
}

// testEras checks that a store compares times with the now it is given,
// however far that is from its own clock: entries of a story in 2001 or in
// 2150 count for their window, as one in 2030 does.
func testEras(t *testing.T, fresh Fresh) {
	for _, start := range []time.Time{
		time.Date(2001, 3, 4, 5, 6, 7, 1000, time.UTC),
		time.Date(2150, 12, 31, 23, 50, 0, 999999000, time.UTC),
		time.Date(2030, 6, 1, 12, 0, 0, 0, time.FixedZone("UTC+5", 5*3600)),
	} {
		t.Run(start.Format(time.RFC3339Nano), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, fresh)
			e.failed(1, start, acct)
			id := e.reserve(start.Add(time.Minute), acct)
			require.NoError(t, e.store.Fail(e.ctx, id, []string{acct}, start.Add(2*time.Minute), window))

			end := start.Add(window)
			got, err := e.store.Usage(e.ctx, limitsOf(2, acct), end.Add(-time.Microsecond), window)
			require.NoError(t, err)
			assertUsage(t, []throttle.Usage{{Count: 2, Oldest: start}}, got, "both count until the first leaves the window")
			got, err = e.store.Reserve(e.ctx, e.id(), limitsOf(2, acct), end, window)
			require.NoError(t, err)
			assertUsage(t, []throttle.Usage{{Count: 1, Oldest: start.Add(2 * time.Minute)}}, got, "the first has left")
			assert.Equal(t, 2, e.count(acct, end), "and the reservation was made")
			assert.Equal(t, 1, e.count(acct, end.Add(3*time.Minute)), "the failures have left, the reservation has not")
		})
	}
}
