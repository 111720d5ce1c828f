package fanout

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
)

// record starts a subscription whose events are sent on the channel it
// returns, and stops it when the test ends.
func record(t *testing.T) (*Subscription, <-chan watch.Event) {
	events := make(chan watch.Event, 16)
	s := Start("c", func(ev watch.Event) { events <- ev })
	t.Cleanup(s.Stop)
	return s, events
}

// heard returns the next n events of events.
func heard(t *testing.T, events <-chan watch.Event, n int) []watch.Event {
	t.Helper()
	var got []watch.Event
	for range n {
		select {
		case ev := <-events:
			got = append(got, ev)
		case <-time.After(10 * time.Second):
			require.FailNow(t, "no event", "heard %v", got)
		}
	}
	return got
}

// Each change is told once, and a message reaches only a subscription told
// it is connected.
func TestSubscriptionEvents(t *testing.T) {
	t.Parallel()
	down := errors.New("connection lost")
	connected := watch.Event{Kind: watch.EventConnected}
	disconnected := watch.Event{Kind: watch.EventDisconnected, Err: down}
	message := func(p string) watch.Event { return watch.Event{Kind: watch.EventMessage, Payload: p} }
	cases := []struct {
		name string
		do   func(s *Subscription)
		want []watch.Event
	}{
		{"connected", func(s *Subscription) {
			s.Deliver("before")
			s.Connect()
			s.Connect()
			s.Deliver("m")
		}, []watch.Event{connected, message("m")}},
		{"down from the start", func(s *Subscription) {
			s.Disconnect(down)
			s.Disconnect(down)
			s.Deliver("lost")
			s.Connect()
			s.Deliver("m")
		}, []watch.Event{disconnected, connected, message("m")}},
		{"down and back", func(s *Subscription) {
			s.Connect()
			s.Disconnect(down)
			s.Deliver("lost")
			s.Disconnect(down)
			s.Connect()
			s.Deliver("m")
		}, []watch.Event{connected, disconnected, connected, message("m")}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, events := record(t)
			tc.do(s)
			assert.Equal(t, "c", s.Channel())
			assert.True(t, s.Connected())
			assert.Equal(t, tc.want, heard(t, events, len(tc.want)))
		})
	}
}
