package watchtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
)

// Wait is how long a test waits for an event before it fails: long, so
// that a loaded machine does not fail a test that is merely slow.
const Wait = 10 * time.Second

// tick is how often a wait looks again.
const tick = 5 * time.Millisecond

// Channel returns a channel name no other test uses: "gatehouse-test-"
// and 16 random hex digits, short enough for every notifier.
func Channel(t testing.TB) string {
	t.Helper()
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "gatehouse-test-" + hex.EncodeToString(b)
}

// Recorder keeps every event one subscription hears, for a test to wait on
// and inspect. When the test ends it cancels the subscription and checks
// that the events came in an order a Notifier may deliver: nothing before
// the first EventConnected or EventDisconnected, no message while
// disconnected, and one EventDisconnected per outage.
type Recorder struct {
	channel string
	cancel  func()

	mu     sync.Mutex
	events []watch.Event
}

// Record subscribes to channel on n and records what the subscription
// hears until the test ends or Cancel is called. It fails the test if
// Subscribe fails.
func Record(t *testing.T, n watch.Notifier, channel string) *Recorder {
	t.Helper()
	r := &Recorder{channel: channel}
	cancel, err := n.Subscribe(channel, r.handle)
	require.NoError(t, err, "subscribe to %s", channel)
	r.cancel = cancel
	t.Cleanup(func() {
		r.Cancel()
		r.checkOrder(t)
	})
	return r
}

func (r *Recorder) handle(ev watch.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

// Cancel cancels the subscription; it may be called more than once.
func (r *Recorder) Cancel() { r.cancel() }

// Events returns a copy of the events heard so far.
func (r *Recorder) Events() []watch.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.events)
}

// Len returns how many events have been heard so far; a test notes it
// before provoking events, to wait for those that follow.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// Messages returns the payloads of the messages heard so far, in order.
func (r *Recorder) Messages() []string {
	var msgs []string
	for _, ev := range r.Events() {
		if ev.Kind == watch.EventMessage {
			msgs = append(msgs, ev.Payload)
		}
	}
	return msgs
}

// WaitEvents waits until the events heard from index from on include
// kinds in that order, among others, and returns the index after the last
// one matched. It fails the test after Wait.
func (r *Recorder) WaitEvents(t testing.TB, from int, kinds ...watch.EventKind) int {
	t.Helper()
	next := from
	eventually(t, func() bool {
		i, ok := match(r.Events(), from, kinds)
		next = i
		return ok
	}, func() string {
		return fmt.Sprintf("%s: expected events %v from #%d; heard %s", r.channel, kinds, from, describe(r.Events()))
	})
	return next
}

// WaitMessages waits until at least count messages have been heard and
// returns their payloads. It fails the test after Wait.
func (r *Recorder) WaitMessages(t testing.TB, count int) []string {
	t.Helper()
	eventually(t, func() bool { return len(r.Messages()) >= count }, func() string {
		return fmt.Sprintf("%s: expected %d messages; heard %s", r.channel, count, describe(r.Events()))
	})
	return r.Messages()
}

// WaitMessage waits until a message with payload has been heard. It fails
// the test after Wait.
func (r *Recorder) WaitMessage(t testing.TB, payload string) {
	t.Helper()
	eventually(t, func() bool { return slices.Contains(r.Messages(), payload) }, func() string {
		return fmt.Sprintf("%s: expected message %q; heard %s", r.channel, payload, describe(r.Events()))
	})
}

// eventually waits up to Wait for cond, and fails the test with what
// explain says then.
func eventually(t testing.TB, cond func() bool, explain func() string) {
	t.Helper()
	deadline := time.Now().Add(Wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(explain())
		}
		time.Sleep(tick)
	}
}

func match(events []watch.Event, from int, kinds []watch.EventKind) (int, bool) {
	i := from
	for _, kind := range kinds {
		for i < len(events) && events[i].Kind != kind {
			i++
		}
		if i == len(events) {
			return i, false
		}
		i++
	}
	return i, true
}

// checkOrder reports events in an order no Notifier may deliver them.
func (r *Recorder) checkOrder(t *testing.T) {
	t.Helper()
	events := r.Events()
	connected, heard := false, false
	for i, ev := range events {
		switch ev.Kind {
		case watch.EventConnected:
			connected, heard = true, true
		case watch.EventDisconnected:
			assert.True(t, connected || !heard, "%s: event #%d: a second EventDisconnected in one outage: %s", r.channel, i, describe(events))
			connected, heard = false, true
		case watch.EventMessage:
			assert.True(t, connected, "%s: event #%d: a message while not connected: %s", r.channel, i, describe(events))
		default:
			assert.Fail(t, "unknown event kind", "%s: event #%d: %v", r.channel, i, ev.Kind)
		}
	}
}

// describe abbreviates events for a failure message.
func describe(events []watch.Event) string {
	const most = 20
	s := "["
	for i, ev := range events {
		if i == most {
			s += fmt.Sprintf(" …%d more", len(events)-most)
			break
		}
		if i > 0 {
			s += " "
		}
		switch ev.Kind {
		case watch.EventMessage:
			p := ev.Payload
			if len(p) > 20 {
				p = p[:20] + "…"
			}
			s += fmt.Sprintf("message(%q)", p)
		case watch.EventDisconnected:
			s += fmt.Sprintf("disconnected(%v)", ev.Err)
		default:
			s += ev.Kind.String()
		}
	}
	return s + "]"
}
