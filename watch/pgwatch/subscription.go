package pgwatch

import (
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/deliver"
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

// subscription is one Subscribe call. Its queue delivers its events in
// order from a goroutine of its own, so that the listener never waits on a
// handler and a slow handler delays only its own subscription.
type subscription struct {
	*deliver.Queue[watch.Event]
	channel string
	state   subState // guarded by Notifier.mu
}

func newSubscription(channel string, handle func(watch.Event)) *subscription {
	return &subscription{Queue: deliver.Start(handle), channel: channel}
}
