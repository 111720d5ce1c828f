package watch

import (
	"context"
	"errors"
	"fmt"
)

// Notifier publishes short messages on named channels and delivers them to
// every subscriber of the channel, in every process connected to the same
// server, the publisher included. Delivery is best effort: a message sent
// while a subscriber is disconnected is lost to it, which is why a
// subscriber hears EventConnected after every (re)connection.
//
// Implementations are safe for concurrent use.
type Notifier interface {
	// Publish sends payload, at most MaxPayload bytes, to the channel's
	// subscribers. An error means the message may not have been sent.
	Publish(ctx context.Context, channel, payload string) error
	// Subscribe calls handle with the events of channel, one at a time and
	// in order, from a goroutine of the notifier, until cancel is called.
	// The first event is EventConnected once the subscription is
	// established, or EventDisconnected if it cannot be yet; the notifier
	// keeps trying to reconnect after the connection drops. handle must
	// not block for long: every subscription shares the connection.
	Subscribe(channel string, handle func(Event)) (cancel func(), err error)
	// Close ends every subscription and releases the connections.
	Close() error
}

// MaxPayload is the largest message every Notifier carries: PostgreSQL
// limits a notification to a little under 8000 bytes. Longer messages are
// refused with ErrPayloadTooLarge; senders fall back to a short message
// that asks peers to reload.
const MaxPayload = 7900

// EventKind tells what an Event reports.
type EventKind int

const (
	// EventMessage carries a message a peer (or this process) published.
	EventMessage EventKind = iota + 1
	// EventConnected says the subscription is established, for the first
	// time or again after a disconnection: messages sent before may have
	// been missed, and subscribers should reload what they keep.
	EventConnected
	// EventDisconnected says the subscription is down; Err says why.
	// Messages sent from now until the next EventConnected are missed.
	EventDisconnected
)

// String names the kind.
func (k EventKind) String() string {
	switch k {
	case EventMessage:
		return "message"
	case EventConnected:
		return "connected"
	case EventDisconnected:
		return "disconnected"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is what a subscription hears.
type Event struct {
	Kind    EventKind
	Payload string // the message, for EventMessage
	Err     error  // why, for EventDisconnected
}

var (
	// ErrUnavailable is what a Follower reports while it cannot vouch for
	// the state it keeps: the notifier is disconnected, the store does not
	// answer, or a reload failed. Owners of the state fail closed on it.
	ErrUnavailable = errors.New("watch: replica state unavailable")
	// ErrPayloadTooLarge refuses a message longer than MaxPayload.
	ErrPayloadTooLarge = errors.New("watch: payload too large")
	// ErrClosed is returned by a Notifier, Follower or watcher used after
	// Close.
	ErrClosed = errors.New("watch: closed")
	// ErrInvalidConfig reports a notifier or follower configured wrongly.
	ErrInvalidConfig = errors.New("watch: invalid configuration")
)

// CheckPayload returns ErrPayloadTooLarge if payload is longer than
// MaxPayload; notifiers call it before publishing.
func CheckPayload(payload string) error {
	if len(payload) > MaxPayload {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrPayloadTooLarge, len(payload), MaxPayload)
	}
	return nil
}
