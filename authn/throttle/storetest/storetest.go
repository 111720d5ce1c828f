package storetest

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
)

// Open returns a handle on one data set of a test's own, a new handle
// each time it is called where the store has such a thing (a connection
// pool on one database, a client on one Redis and prefix), as each process
// of an application has its own. A store that lives in one process's
// memory returns the same Store every time. A handle must show what
// another one wrote.
type Open func(t *testing.T) throttle.Store

// Fresh returns the Open of a new, empty data set that no other test reads
// or writes (a new database, a random key prefix), released when t ends.
type Fresh func(t *testing.T) Open

// Run runs the suite on the store fresh opens: each test, which may run
// in parallel with others, calls fresh once for a data set of its own,
// and its Open once or more.
func Run(t *testing.T, fresh Fresh) {
	t.Helper()
	tests := []struct {
		name string
		run  func(t *testing.T, fresh Fresh)
	}{
		{"ReserveAndUsageCount", testCounting},
		{"ReserveWritesAllOrNothing", testReserveWrites},
		{"Fail", testFail},
		{"Succeed", testSucceed},
		{"Cancel", testCancel},
		{"AddFailure", testAddFailure},
		{"Reset", testReset},
		{"Cleanup", testCleanup},
		{"InvalidCalls", testInvalidCalls},
		{"HostileKeysAndIDs", testHostile},
		{"KeepsCopiesOfItsArguments", testCopies},
		{"HandlesShareTheData", testHandles},
		{"TimeIsTheCallers", testEras},
		{"RacingReservationsAdmitExactlyTheLimit", testRacingReservations},
		{"RacingEndsAndFailures", testRacingEnds},
		{"RandomSequenceMatchesAModel", testModel},
		{"LimiterReplicasAdmitExactlyTheLimit", testLimiterRace},
		{"LimiterReplicasShareTheCount", testLimiterReplicas},
		{"LimiterAttemptOutcomes", testLimiterOutcomes},
		{"LimiterSlidingWindow", testLimiterSlidingWindow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t, fresh)
		})
	}
}

// window is the window of every call of the suite's own.
const window = 15 * time.Minute

// t0 is the time the suite's stories start at: between microseconds'
// worth of seconds, to show a store that keeps less than microseconds.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

// all is a Max no count of the suite reaches: Usage with it counts every
// entry within the window.
const all = 1 << 20

// env is one test's data set, its first handle, and its attempt ids.
type env struct {
	t     *testing.T
	ctx   context.Context
	store throttle.Store
	open  Open
	mu    sync.Mutex
	ids   int
}

func newEnv(t *testing.T, fresh Fresh) *env {
	t.Helper()
	open := fresh(t)
	s := open(t)
	require.NotNil(t, s, "the Open returned a nil store")
	return &env{t: t, ctx: context.Background(), store: s, open: open}
}

// id returns an attempt id not used before in the test.
func (e *env) id() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ids++
	return fmt.Sprintf("attempt-%d", e.ids)
}

// count returns how many entries of key count at now.
func (e *env) count(key string, now time.Time) int {
	e.t.Helper()
	return e.usage(key, all, now).Count
}

// usage returns Usage of key with max at now.
func (e *env) usage(key string, max int, now time.Time) throttle.Usage {
	e.t.Helper()
	u, err := e.store.Usage(e.ctx, []throttle.Limit{{Key: key, Max: max}}, now, window)
	require.NoError(e.t, err, "Usage of %q", key)
	require.Len(e.t, u, 1, "one Usage per limit")
	return u[0]
}

// counts returns count of every key, to compare before and after a call
// that must change nothing.
func (e *env) counts(now time.Time, keys ...string) map[string]throttle.Usage {
	e.t.Helper()
	out := make(map[string]throttle.Usage, len(keys))
	for _, key := range keys {
		out[key] = e.usage(key, all, now)
	}
	return out
}

// reserve reserves a new attempt under keys at now, with room to spare,
// and returns its id.
func (e *env) reserve(now time.Time, keys ...string) string {
	e.t.Helper()
	id := e.id()
	u, err := e.store.Reserve(e.ctx, id, limitsOf(all, keys...), now, window)
	require.NoError(e.t, err)
	require.Len(e.t, u, len(keys))
	return id
}

// failed records n failures under keys at at.
func (e *env) failed(n int, at time.Time, keys ...string) {
	e.t.Helper()
	for range n {
		require.NoError(e.t, e.store.AddFailure(e.ctx, keys, at, window))
	}
}

// limitsOf returns a limit of max for each key.
func limitsOf(max int, keys ...string) []throttle.Limit {
	limits := make([]throttle.Limit, len(keys))
	for i, key := range keys {
		limits[i] = throttle.Limit{Key: key, Max: max}
	}
	return limits
}

// assertUsage checks got against want, comparing times as instants.
func assertUsage(t *testing.T, want, got []throttle.Usage, msgAndArgs ...any) bool {
	t.Helper()
	if !assert.Len(t, got, len(want), msgAndArgs...) {
		return false
	}
	var msg string
	if len(msgAndArgs) > 0 {
		if format, isString := msgAndArgs[0].(string); isString {
			msg = fmt.Sprintf(format, msgAndArgs[1:]...)
		}
	}
	ok := true
	for i := range want {
		w, g := want[i], got[i]
		same := w.Count == g.Count && w.Pending == g.Pending && w.Oldest.Equal(g.Oldest)
		ok = assert.True(t, same, "limit %d: want %s, got %s; %s", i, show(w), show(g), msg) && ok
	}
	return ok
}

func show(u throttle.Usage) string {
	oldest := "-"
	if !u.Oldest.IsZero() {
		oldest = u.Oldest.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("{Count %d, Pending %v, Oldest %s}", u.Count, u.Pending, oldest)
}

// procs raises GOMAXPROCS for the racing tests, so that more goroutines
// than cores run at once, and restores it when the last of them ends,
// however many run together.
var procs struct {
	mu       sync.Mutex
	users    int
	previous int
}

func raiseProcs(t *testing.T) {
	procs.mu.Lock()
	defer procs.mu.Unlock()
	if procs.users == 0 {
		procs.previous = runtime.GOMAXPROCS(max(16, runtime.NumCPU()))
	}
	procs.users++
	t.Cleanup(func() {
		procs.mu.Lock()
		defer procs.mu.Unlock()
		if procs.users--; procs.users == 0 {
			runtime.GOMAXPROCS(procs.previous)
		}
	})
}
