package rediswatch

import (
	"math"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/fanout"
)

// notYet is the confirmAfter of a subscription whose channel has not been
// handed to the PubSub yet: no answer to a PING confirms it.
const notYet = math.MaxUint64

// subscription is one Subscribe call. It counts as connected once the
// server has confirmed its channel's subscription on the current
// connection: the answer to a PING sent after the SUBSCRIBE.
type subscription struct {
	*fanout.Subscription

	// confirmAfter is, until the subscription is connected, the last PING
	// token that cannot confirm it: any answer to a later PING went out
	// after its channel's SUBSCRIBE. Guarded by Notifier.mu.
	confirmAfter uint64
}

func newSubscription(channel string, handle func(watch.Event)) *subscription {
	return &subscription{Subscription: fanout.Start(channel, handle), confirmAfter: notYet}
}
