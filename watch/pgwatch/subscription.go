package pgwatch

import (
	"sync"

	"github.com/gatehouse-go/gatehouse/watch"
)

// subState is where a subscription stands with the listener connection.
type subState int

const (
	// subPending: the subscription has heard nothing yet.
	subPending subState = iota
	// subConnected: its channel is listened on the current connection and
	// it has heard EventConnected; only such subscriptions hear messages.
	subConnected
	// subDisconnected: it has heard EventDisconnected and waits for the
	// listener to reconnect.
	subDisconnected
)

// subscription is one Subscribe call. Its events are delivered in order
// from a goroutine of its own, so that the listener never waits on a
// handler and a slow handler delays only its own subscription.
type subscription struct {
	channel string
	handle  func(watch.Event)
	state   subState // guarded by Notifier.mu

	mu      sync.Mutex
	queue   []watch.Event
	wake    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func newSubscription(channel string, handle func(watch.Event)) *subscription {
	s := &subscription{
		channel: channel,
		handle:  handle,
		wake:    make(chan struct{}, 1),
		stopped: make(chan struct{}),
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
