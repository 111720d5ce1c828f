// Package fanout keeps the subscriptions of a notifier that receives every
// channel on one connection to a server, as pgwatch and rediswatch do: a
// Registry files them by channel and tracks the channels the connection
// has joined (LISTEN, SUBSCRIBE), and each Subscription tells its handler
// of the connection's state in the order watch.Notifier promises. When a
// subscription counts as connected, and how the connection joins a
// channel, is each notifier's to decide.
package fanout

import (
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/deliver"
)

// state is what a subscription was last told of the connection.
type state int

// The zero state is the one a subscription starts in: it has heard
// nothing yet.
const (
	// connected: it has heard EventConnected; only such subscriptions hear
	// messages.
	connected state = iota + 1
	// disconnected: it has heard EventDisconnected and waits for the
	// connection to be back.
	disconnected
)

// Subscription is one Subscribe call. Its queue delivers its events in
// order from a goroutine of its own, so that the notifier's connection
// never waits on a handler and a slow handler delays only its own
// subscription. It tells each change of the connection once, so that
// EventConnected and EventDisconnected alternate, and passes messages on
// only once told it is connected. Its methods other than Channel and Stop
// are guarded by the notifier's lock.
type Subscription struct {
	queue   *deliver.Queue[watch.Event]
	channel string
	state   state
}

// Start returns a subscription to channel that calls handle with its
// events until Stop.
func Start(channel string, handle func(watch.Event)) *Subscription {
	return &Subscription{queue: deliver.Start(handle), channel: channel}
}

// Channel returns the channel s is subscribed to.
func (s *Subscription) Channel() string { return s.channel }

// Connected reports whether s was last told that it is connected.
func (s *Subscription) Connected() bool { return s.state == connected }

// Connect tells s, with EventConnected, that every message published from
// now on reaches it, unless it was told so last.
func (s *Subscription) Connect() {
	if s.state != connected {
		s.state = connected
		s.queue.Push(watch.Event{Kind: watch.EventConnected})
	}
}

// Disconnect tells s, with EventDisconnected, that it may miss messages
// until it is connected again, and why, unless it was told so last.
func (s *Subscription) Disconnect(err error) {
	if s.state != disconnected {
		s.state = disconnected
		s.queue.Push(watch.Event{Kind: watch.EventDisconnected, Err: err})
	}
}

// Deliver passes a message on to s if it is connected. One not yet told
// so may not have been subscribed when the message was sent, and reloads
// when it is told.
func (s *Subscription) Deliver(payload string) {
	if s.state == connected {
		s.queue.Push(watch.Event{Kind: watch.EventMessage, Payload: payload})
	}
}

// Stop ends delivery and drops the events still queued, as
// deliver.Queue.Stop does: it does not wait for a handler call in
// progress, which is the last, so a handler may call it. It is idempotent.
func (s *Subscription) Stop() { s.queue.Stop() }
