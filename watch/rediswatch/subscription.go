package rediswatch

import (
	"math"
	"sync"

	"github.com/gatehouse-go/gatehouse/watch"
)

// subState is where a subscription stands with the listener connection.
type subState int

const (
	// subPending: the subscription has heard nothing yet.
	subPending subState = iota
	// subConnected: the server confirmed its channel's subscription on the
	// current connection and it has heard EventConnected; only such
	// subscriptions hear messages.
	subConnected
	// subDisconnected: it has heard EventDisconnected and waits for the
	// connection to be back.
	subDisconnected
)

// notYet is the confirmAfter of a subscription whose channel has not been
// handed to the PubSub yet: no answer to a PING confirms it.
const notYet = math.MaxUint64

// subscription is one Subscribe call. Its events are delivered in order
// from a goroutine of its own, so that the receiving goroutine never waits
// on a handler and a slow handler delays only its own subscription.
type subscription struct {
	channel string
	handle  func(watch.Event)

	// Guarded by Notifier.mu: where the subscription stands, and, until it
	// is connected, the last PING token that cannot confirm it: any answer
	// to a later PING went out after its channel's SUBSCRIBE.
	state        subState
	confirmAfter uint64

	mu      sync.Mutex
	queue   []watch.Event
	wake    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func newSubscription(channel string, handle func(watch.Event)) *subscription {
	s := &subscription{
		channel:      channel,
		handle:       handle,
		confirmAfter: notYet,
		wake:         make(chan struct{}, 1),
		stopped:      make(chan struct{}),
	}
	go s.run()
	return s
}

// push queues ev for the handler; it never blocks.
func (s *subscription) push(ev watch.Event) {
	s.mu.Lock()
	s.queue = append(s.queue, ev)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// stop ends delivery: the handler is not called again once a call in
// progress returns.
func (s *subscription) stop() { s.once.Do(func() { close(s.stopped) }) }

func (s *subscription) run() {
	for {
		select {
		case <-s.stopped:
			return
		case <-s.wake:
		}
		for {
			s.mu.Lock()
			if len(s.queue) == 0 {
				s.mu.Unlock()
				break
			}
			ev := s.queue[0]
			s.queue[0] = watch.Event{}
			s.queue = s.queue[1:]
			s.mu.Unlock()
			select {
			case <-s.stopped:
				return
			default:
			}
			s.handle(ev)
		}
	}
}
