package rediswatch

import (
	"math"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/deliver"
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

// subscription is one Subscribe call. Its queue delivers its events in
// order from a goroutine of its own, so that the receiving goroutine never
// waits on a handler and a slow handler delays only its own subscription.
type subscription struct {
	*deliver.Queue[watch.Event]
	channel string

	// Guarded by Notifier.mu: where the subscription stands, and, until it
	// is connected, the last PING token that cannot confirm it: any answer
	// to a later PING went out after its channel's SUBSCRIBE.
	state        subState
	confirmAfter uint64
}

func newSubscription(channel string, handle func(watch.Event)) *subscription {
	return &subscription{Queue: deliver.Start(handle), channel: channel, confirmAfter: notYet}
}
