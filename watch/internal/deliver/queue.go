// Package deliver hands a subscription's events to its handler in order,
// from a goroutine of the subscription's own, so that whoever produces the
// events (a notifier's listener, a publisher) never waits on a handler and
// a slow handler delays only its own subscription.
package deliver

import (
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
)

// Queue calls a handler with the values pushed on it, one call at a time
// and in the order of the Push calls, from a goroutine it starts for the
// purpose. Push never waits for the handler: while the handler is busy,
// values wait in the queue, which grows as needed. Create one with Start;
// its methods are safe for concurrent use, from the handler too. A handler
// that panics loses the value it was handed; delivery goes on.
type Queue[T any] struct {
	handle func(T)
	wake   chan struct{} // holds a token while the goroutine has work
	done   chan struct{} // closed when the goroutine has returned; tests wait on it

	mu      sync.Mutex
	items   []T
	stopped bool
}

// Start returns a Queue that calls handle with the values pushed on it,
// until Stop. The goroutine it starts returns soon after Stop, once a
// handler call in progress has returned: a handler that never returns
// keeps it for good.
func Start[T any](handle func(T)) *Queue[T] {
	q := &Queue[T]{
		handle: handle,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
	go q.run()
	return q
}

// Push queues v for the handler, after every value pushed before it. It
// never blocks on the handler. After Stop it drops v.
func (q *Queue[T]) Push(v T) {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.signal()
}

// Stop ends delivery and drops the values still queued. It does not wait
// for a handler call in progress, so the handler may call it.
//
// Once Stop returns, at most one handler call is in progress or yet to
// begin: the one for a value the goroutine took from the queue before
// Stop. No call follows it. In particular, a Stop made while a handler
// call is in progress, from the handler itself or from elsewhere, makes
// that call the last. Stop is idempotent.
func (q *Queue[T]) Stop() {
	q.mu.Lock()
	q.stopped = true
	q.items = nil
	q.mu.Unlock()
	q.signal()
}

func (q *Queue[T]) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue[T]) run() {
	defer close(q.done)
	for range q.wake {
		for {
			v, ok, stopped := q.take()
			if stopped {
				return
			}
			if !ok {
				break
			}
			q.call(v)
		}
	}
}

// call hands v to the handler. A handler that panics loses v, not the
// process: the panic is logged and delivery goes on with the next value.
func (q *Queue[T]) call(v T) {
	defer func() {
		if r := recover(); r != nil {
			slog.Error("gatehouse: a notification handler panicked; the event is dropped",
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	q.handle(v)
}

// take removes the first value from the queue. Reading stopped under the
// same lock as the value is what bounds the calls after Stop to one.
func (q *Queue[T]) take() (v T, ok, stopped bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.stopped {
		return v, false, true
	}
	if len(q.items) == 0 {
		return v, false, false
	}
	v = q.items[0]
	var zero T
	q.items[0] = zero // so that the backing array does not keep v alive
	q.items = q.items[1:]
	return v, true, false
}
