package watchtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
)

// Harness is what Run needs of a Notifier implementation.
type Harness struct {
	// New returns a fresh notifier, connected to the same server as every
	// other New returns, and closes it when t ends. Required.
	New func(t *testing.T) watch.Notifier
	// Kill drops the connection n's subscriptions are heard on, from
	// outside, as a server restart or a network failure would; n must
	// reconnect by itself. Without Kill the reconnection case is skipped.
	Kill func(t *testing.T, n watch.Notifier)
}

// Run runs the conformance suite on the notifiers h makes, each case as a
// parallel subtest on channels of its own. Every watch.Notifier passes it.
func Run(t *testing.T, h Harness) {
	t.Helper()
	require.NotNil(t, h.New, "Harness.New is required")
	cases := []struct {
		name string
		run  func(t *testing.T, h Harness)
	}{
		{"PublishReachesEverySubscriberInOrder", publishInOrder},
		{"ChannelsAreIsolated", channelsIsolated},
		{"SubscriptionsShareAChannel", sharedChannel},
		{"CancelStopsDelivery", cancelStops},
		{"CancelFromTheHandler", cancelFromHandler},
		{"SubscribeAndCancelConcurrently", churn},
		{"PayloadLimit", payloadLimit},
		{"PublishWithEndedContext", publishEndedContext},
		{"SlowHandlerStallsNoOne", slowHandler},
		{"ReconnectsAfterKill", reconnectsAfterKill},
		{"Close", closeCase},
		{"NilHandler", nilHandler},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, h)
		})
	}
}

func publish(t *testing.T, n watch.Notifier, channel, payload string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	require.NoError(t, n.Publish(ctx, channel, payload), "publish %q on %s", payload, channel)
}

// returns fails the test unless f returns within Wait.
func returns(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	eventually(t, func() bool {
		select {
		case <-done:
			return true
		default:
			return false
		}
	}, func() string { return what + " did not return" })
}

// A message published on one notifier reaches the channel's subscribers on
// another and on the publisher itself, in the order it was published.
func publishInOrder(t *testing.T, h Harness) {
	pub, sub := h.New(t), h.New(t)
	ch := Channel(t)
	remote, self := Record(t, sub, ch), Record(t, pub, ch)
	for _, r := range []*Recorder{remote, self} {
		r.WaitEvents(t, 0, watch.EventConnected)
		assert.Equal(t, watch.EventConnected, r.Events()[0].Kind, "the first event of a healthy subscription")
	}
	var want []string
	for i := range 50 {
		want = append(want, fmt.Sprintf("message %02d", i))
		publish(t, pub, ch, want[i])
	}
	assert.Equal(t, want, remote.WaitMessages(t, len(want)), "heard by another notifier")
	assert.Equal(t, want, self.WaitMessages(t, len(want)), "heard by the publisher")
}

// A subscription hears its channel only.
func channelsIsolated(t *testing.T, h Harness) {
	n := h.New(t)
	ch1, ch2 := Channel(t), Channel(t)
	r1, r2 := Record(t, n, ch1), Record(t, n, ch2)
	r1.WaitEvents(t, 0, watch.EventConnected)
	r2.WaitEvents(t, 0, watch.EventConnected)
	// Published in this order on one connection, a stray message would be
	// heard before the subscription's own "end".
	publish(t, n, ch1, "one")
	publish(t, n, ch2, "two")
	publish(t, n, ch1, "end")
	publish(t, n, ch2, "end")
	r1.WaitMessage(t, "end")
	r2.WaitMessage(t, "end")
	assert.Equal(t, []string{"one", "end"}, r1.Messages())
	assert.Equal(t, []string{"two", "end"}, r2.Messages())
}

// Two subscriptions on one channel both hear it, and cancelling one leaves
// the other subscribed.
func sharedChannel(t *testing.T, h Harness) {
	n := h.New(t)
	ch := Channel(t)
	a, b := Record(t, n, ch), Record(t, n, ch)
	a.WaitEvents(t, 0, watch.EventConnected)
	b.WaitEvents(t, 0, watch.EventConnected)
	publish(t, n, ch, "both")
	a.WaitMessage(t, "both")
	b.WaitMessage(t, "both")

	a.Cancel()
	publish(t, n, ch, "b only")
	b.WaitMessage(t, "b only")
	assert.Equal(t, []string{"both", "b only"}, b.Messages())
	assert.Equal(t, []string{"both"}, a.Messages())
}

// After cancel a subscription hears nothing more, and a new subscription
// on the same channel hears it again.
func cancelStops(t *testing.T, h Harness) {
	pub, sub := h.New(t), h.New(t)
	ch, marker := Channel(t), Channel(t)
	r := Record(t, sub, ch)
	m := Record(t, sub, marker)
	r.WaitEvents(t, 0, watch.EventConnected)
	m.WaitEvents(t, 0, watch.EventConnected)
	publish(t, pub, ch, "before")
	r.WaitMessage(t, "before")

	r.Cancel()
	r.Cancel() // idempotent
	publish(t, pub, ch, "after")
	// The marker, published after, arrives after "after" would have.
	publish(t, pub, marker, "marker")
	m.WaitMessage(t, "marker")
	assert.Equal(t, []string{"before"}, r.Messages())

	again := Record(t, sub, ch)
	again.WaitEvents(t, 0, watch.EventConnected)
	publish(t, pub, ch, "again")
	again.WaitMessage(t, "again")
	assert.Equal(t, []string{"again"}, again.Messages())
}

// A handler may cancel its own subscription.
func cancelFromHandler(t *testing.T, h Harness) {
	n := h.New(t)
	ch := Channel(t)
	var (
		mu                  sync.Mutex
		cancel              func()
		heard               []string
		connected, returned atomic.Bool
	)
	c, err := n.Subscribe(ch, func(ev watch.Event) {
		if ev.Kind == watch.EventConnected {
			connected.Store(true)
		}
		if ev.Kind != watch.EventMessage {
			return
		}
		mu.Lock()
		heard = append(heard, ev.Payload)
		cancel := cancel
		mu.Unlock()
		cancel()
		returned.Store(true)
	})
	require.NoError(t, err)
	mu.Lock()
	cancel = c
	mu.Unlock()
	t.Cleanup(c)

	other := Record(t, n, ch)
	other.WaitEvents(t, 0, watch.EventConnected)
	eventually(t, connected.Load, func() string { return "the subscription never connected" })
	publish(t, n, ch, "1")
	publish(t, n, ch, "2")
	other.WaitMessages(t, 2)
	eventually(t, returned.Load, func() string { return "the handler's cancel did not return" })
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"1"}, heard)
}

// Subscriptions made and cancelled at once on one channel leave the
// channel subscribed exactly while a subscription remains.
func churn(t *testing.T, h Harness) {
	pub, sub := h.New(t), h.New(t)
	ch := Channel(t)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 5 {
				cancel, err := sub.Subscribe(ch, func(watch.Event) {})
				if !assert.NoError(t, err) {
					return
				}
				cancel()
			}
		})
	}
	returns(t, "subscribing and cancelling", wg.Wait)
	r := Record(t, sub, ch)
	r.WaitEvents(t, 0, watch.EventConnected)
	publish(t, pub, ch, "still here")
	r.WaitMessage(t, "still here")
}

// A payload of watch.MaxPayload bytes goes through whole; a longer one is
// refused.
func payloadLimit(t *testing.T, h Harness) {
	n := h.New(t)
	ch := Channel(t)
	r := Record(t, n, ch)
	r.WaitEvents(t, 0, watch.EventConnected)
	largest := strings.Repeat("0123456789", watch.MaxPayload/10+1)[:watch.MaxPayload]
	publish(t, n, ch, largest)
	assert.Equal(t, []string{largest}, r.WaitMessages(t, 1))
	err := n.Publish(context.Background(), ch, largest+"x")
	assert.ErrorIs(t, err, watch.ErrPayloadTooLarge)
}

// Publish with an ended context fails with the context's error.
func publishEndedContext(t *testing.T, h Harness) {
	n := h.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, n.Publish(ctx, Channel(t), "x"), context.Canceled)
}

// A handler that does not return delays its own subscription only:
// others on the channel hear on, and Subscribe, cancel and Close return.
func slowHandler(t *testing.T, h Harness) {
	n := h.New(t)
	ch := Channel(t)
	release := make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(unblock)
	var connected, stuck atomic.Bool
	cancelSlow, err := n.Subscribe(ch, func(ev watch.Event) {
		switch ev.Kind {
		case watch.EventConnected:
			connected.Store(true)
		case watch.EventMessage:
			stuck.Store(true)
			<-release
		}
	})
	require.NoError(t, err)
	fast := Record(t, n, ch)
	fast.WaitEvents(t, 0, watch.EventConnected)
	eventually(t, connected.Load, func() string { return "the slow subscription never connected" })

	for i := range 3 {
		publish(t, n, ch, fmt.Sprint(i))
	}
	eventually(t, stuck.Load, func() string { return "the slow handler never got a message" })
	assert.Equal(t, []string{"0", "1", "2"}, fast.WaitMessages(t, 3))

	other := Record(t, n, Channel(t))
	other.WaitEvents(t, 0, watch.EventConnected)
	returns(t, "cancel of the stuck subscription", cancelSlow)
	returns(t, "Close with a stuck handler", func() { assert.NoError(t, n.Close()) })
	unblock()
}

// After its connection is dropped a notifier says so, reconnects by
// itself, says so, and hears what is published afterwards.
func reconnectsAfterKill(t *testing.T, h Harness) {
	if h.Kill == nil {
		t.Skip("the harness cannot drop a connection")
	}
	n, pub := h.New(t), h.New(t)
	ch := Channel(t)
	a, b := Record(t, n, ch), Record(t, n, ch)
	a.WaitEvents(t, 0, watch.EventConnected)
	b.WaitEvents(t, 0, watch.EventConnected)
	publish(t, pub, ch, "before")
	a.WaitMessage(t, "before")
	b.WaitMessage(t, "before")

	markA, markB := a.Len(), b.Len()
	h.Kill(t, n)
	a.WaitEvents(t, markA, watch.EventDisconnected, watch.EventConnected)
	b.WaitEvents(t, markB, watch.EventDisconnected, watch.EventConnected)
	for _, ev := range a.Events()[markA:] {
		if ev.Kind == watch.EventDisconnected {
			assert.Error(t, ev.Err, "EventDisconnected says why")
		}
	}

	publish(t, pub, ch, "after")
	publish(t, n, ch, "after, from the notifier that reconnected")
	for _, r := range []*Recorder{a, b} {
		r.WaitMessage(t, "after")
		r.WaitMessage(t, "after, from the notifier that reconnected")
	}

	// A subscription made after the reconnection hears like the others.
	c := Record(t, n, ch)
	c.WaitEvents(t, 0, watch.EventConnected)
	publish(t, pub, ch, "late")
	c.WaitMessage(t, "late")
}

// After Close, Publish and Subscribe fail with watch.ErrClosed; Close and
// cancel may be called again.
func closeCase(t *testing.T, h Harness) {
	n := h.New(t)
	ch := Channel(t)
	r := Record(t, n, ch)
	r.WaitEvents(t, 0, watch.EventConnected)

	require.NoError(t, n.Close())
	assert.ErrorIs(t, n.Publish(context.Background(), ch, "x"), watch.ErrClosed)
	_, err := n.Subscribe(ch, func(watch.Event) {})
	assert.ErrorIs(t, err, watch.ErrClosed)
	assert.NoError(t, n.Close(), "a second Close")
	returns(t, "cancel after Close", r.Cancel)
}

// Subscribe refuses a nil handler.
func nilHandler(t *testing.T, h Harness) {
	n := h.New(t)
	cancel, err := n.Subscribe(Channel(t), nil)
	assert.ErrorIs(t, err, watch.ErrInvalidConfig)
	assert.Nil(t, cancel)
}
