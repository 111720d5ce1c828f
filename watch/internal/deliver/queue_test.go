package deliver

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wait bounds how long a test waits for something that should happen at
// once; it only ever expires when the test fails.
const wait = 10 * time.Second

// within fails the test unless done is closed within wait.
func within(t *testing.T, what string, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatalf("%s: not within %v", what, wait)
	}
}

// returns fails the test unless f returns within wait.
func returns(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	within(t, what+" returns", done)
}

// calls records a handler's calls, and fails the test if two overlap.
type calls[T any] struct {
	t       *testing.T
	running atomic.Int32

	mu   sync.Mutex
	seen []T
}

func (c *calls[T]) enter() {
	if c.running.Add(1) != 1 {
		c.t.Error("two handler calls at once")
	}
}

func (c *calls[T]) leave() { c.running.Add(-1) }

func (c *calls[T]) add(v T) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen = append(c.seen, v)
	return len(c.seen)
}

func (c *calls[T]) values() []T {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]T(nil), c.seen...)
}

type item struct{ pusher, seq int }

// Every value reaches the handler once, in the order its pusher pushed it,
// one call at a time.
func TestDeliversInOrder(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		pushers, each int
	}{
		{"one pusher", 1, 2000},
		{"concurrent pushers", 8, 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			total := tc.pushers * tc.each
			c := &calls[item]{t: t}
			all := make(chan struct{})
			q := Start(func(v item) {
				c.enter()
				defer c.leave()
				if c.add(v) == total {
					close(all)
				}
			})
			t.Cleanup(q.Stop)

			var wg sync.WaitGroup
			for p := range tc.pushers {
				wg.Go(func() {
					for i := range tc.each {
						q.Push(item{p, i})
					}
				})
			}
			wg.Wait()
			within(t, "delivery of every value", all)

			next := make([]int, tc.pushers)
			for _, v := range c.values() {
				require.Equal(t, next[v.pusher], v.seq, "pusher %d's values out of order", v.pusher)
				next[v.pusher]++
			}
			for p, n := range next {
				assert.Equal(t, tc.each, n, "values of pusher %d", p)
			}
		})
	}
}

// Push returns at once while the handler is stuck, and what was pushed
// meanwhile follows in order once the handler is free.
func TestPushNeverWaitsForTheHandler(t *testing.T) {
	t.Parallel()
	const n = 10000
	stuck, release, all := make(chan struct{}), make(chan struct{}), make(chan struct{})
	c := &calls[int]{t: t}
	q := Start(func(v int) {
		if v == 0 {
			close(stuck)
			<-release
		}
		if c.add(v) == n {
			close(all)
		}
	})
	t.Cleanup(q.Stop)

	q.Push(0)
	within(t, "the first call", stuck)
	returns(t, "Push with the handler stuck", func() {
		for i := 1; i < n; i++ {
			q.Push(i)
		}
	})
	close(release)
	within(t, "delivery of every value", all)
	got := c.values()
	for i, v := range got {
		require.Equal(t, i, v, "value %d", i)
	}
}

// The handler may push on its own queue: the value follows once the call
// returns.
func TestPushFromTheHandler(t *testing.T) {
	t.Parallel()
	const last = 100
	c := &calls[int]{t: t}
	all := make(chan struct{})
	var q *Queue[int]
	started := make(chan struct{})
	q = Start(func(v int) {
		<-started // q is set
		c.enter()
		defer c.leave()
		c.add(v)
		if v == last {
			close(all)
			return
		}
		q.Push(v + 1)
	})
	close(started)
	t.Cleanup(q.Stop)

	q.Push(0)
	within(t, "delivery of every value", all)
	got := c.values()
	require.Len(t, got, last+1)
	for i, v := range got {
		assert.Equal(t, i, v)
	}
}

// Stop ends delivery: the call in progress, if any, is the last; the values
// queued and those pushed afterwards are dropped; the goroutine returns.
func TestStopEndsDelivery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// stop is called with the handler in its call for 0, blocked on
		// release, and values 1 to 9 queued behind it.
		stop func(q *Queue[int], release chan struct{})
		// fromHandler has the handler call Stop once released.
		fromHandler bool
	}{
		{
			name: "while the handler runs",
			stop: func(q *Queue[int], release chan struct{}) {
				q.Stop()
				close(release)
			},
		},
		{
			name:        "from the handler",
			stop:        func(_ *Queue[int], release chan struct{}) { close(release) },
			fromHandler: true,
		},
		{
			name: "several times, concurrently",
			stop: func(q *Queue[int], release chan struct{}) {
				var wg sync.WaitGroup
				for range 4 {
					wg.Go(q.Stop)
				}
				wg.Wait()
				q.Stop()
				close(release)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := &calls[int]{t: t}
			entered, release := make(chan struct{}), make(chan struct{})
			var q *Queue[int]
			set := make(chan struct{})
			q = Start(func(v int) {
				<-set // q is set
				c.add(v)
				if v == 0 {
					close(entered)
					<-release
					if tc.fromHandler {
						q.Stop()
					}
				}
			})
			close(set)

			for i := range 10 {
				q.Push(i)
			}
			within(t, "the first call", entered)
			returns(t, "Stop with a handler call in progress", func() { tc.stop(q, release) })
			q.Push(10)
			within(t, "the goroutine's return", q.done)
			q.Push(11)
			returns(t, "Stop after Stop", q.Stop)
			assert.Equal(t, []int{0}, c.values())
		})
	}
}

// A Stop before the first Push leaves the handler uncalled.
func TestStopBeforePush(t *testing.T) {
	t.Parallel()
	var called atomic.Bool
	q := Start(func(int) { called.Store(true) })
	q.Stop()
	q.Push(1)
	within(t, "the goroutine's return", q.done)
	assert.False(t, called.Load())
}

// Stopped from outside while values keep coming, a queue calls its handler
// at most once after Stop returns: for the value it had already taken.
func TestAtMostOneCallAfterStop(t *testing.T) {
	t.Parallel()
	for round := range 200 {
		var n atomic.Int64
		busy := make(chan struct{})
		q := Start(func(int) {
			if n.Add(1) == 10 {
				close(busy)
			}
		})
		quit := make(chan struct{})
		var pusher sync.WaitGroup
		pusher.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-quit:
					return
				default:
					q.Push(i)
				}
			}
		})
		within(t, "ten calls", busy)
		q.Stop()
		before := n.Load()
		within(t, "the goroutine's return", q.done)
		after := n.Load()
		close(quit)
		pusher.Wait()
		require.LessOrEqual(t, after, before+1, "round %d: calls after Stop returned", round)
	}
}

// A handler that panics loses the value it was handed, not the process,
// and delivery goes on.
func TestHandlerPanicLosesOneValue(t *testing.T) {
	t.Parallel()
	got := make(chan int, 3)
	q := Start(func(v int) {
		if v == 2 {
			panic("boom")
		}
		got <- v
	})
	t.Cleanup(q.Stop)
	for v := 1; v <= 3; v++ {
		q.Push(v)
	}
	for _, want := range []int{1, 3} {
		select {
		case v := <-got:
			assert.Equal(t, want, v)
		case <-time.After(10 * time.Second):
			t.Fatalf("value %d never delivered", want)
		}
	}
}
