// Package servertest holds the checks that the tests of pgwatch and
// rediswatch share beyond the conformance suite of watchtest: those that
// need a notifier's constructor, a proxy between a notifier and its
// server, or the goroutines of its client library. Each check states what
// it needs of the notifier it is given.
package servertest

import (
	"context"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// password is the password of the addresses the checks hand to a
// notifier's constructor; it must never show in an error.
const password = "secret"

// RefusesBadAddress checks that open refuses each of bad, addresses that
// do not parse named by their subtest, with watch.ErrInvalidConfig and no
// notifier, and that the password "secret" they hold stays out of the
// error.
func RefusesBadAddress[N any](t *testing.T, open func(ctx context.Context, address string) (N, error), bad map[string]string) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(bad)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			n, err := open(context.Background(), bad[name])
			require.ErrorIs(t, err, watch.ErrInvalidConfig)
			assert.Nil(t, n)
			assert.NotContains(t, err.Error(), password, "the password stays out of errors")
		})
	}
}

// FailsWithoutServer checks that open fails, though not with
// watch.ErrInvalidConfig, when the server at the address does not answer,
// and keeps the address's password out of the error. address returns the
// address of a server at hostPort with the password "secret".
func FailsWithoutServer[N any](t *testing.T, open func(ctx context.Context, address string) (N, error), address func(hostPort string) string) {
	t.Helper()
	// A proxy that closes every connection plays a server that is down.
	p := watchtest.NewProxy(t, "127.0.0.1:1")
	p.Refuse()
	ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
	defer cancel()
	n, err := open(ctx, address(p.Addr()))
	require.Error(t, err)
	assert.Nil(t, n)
	assert.NotErrorIs(t, err, watch.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), password)
}

// NoticesSilentConnection checks that a connection that goes silent
// without closing is noticed, and that n reconnects once the network is
// back. n reaches its server through p and checks a silent connection
// within a short PingInterval and Timeout; pub reaches the same server
// directly.
func NoticesSilentConnection(t *testing.T, n, pub watch.Notifier, p *watchtest.Proxy) {
	t.Helper()
	ch := watchtest.Channel(t)
	r := watchtest.Record(t, n, ch)
	r.WaitEvents(t, 0, watch.EventConnected)

	p.Blackhole()
	next := r.WaitEvents(t, 0, watch.EventConnected, watch.EventDisconnected)
	p.Restore()
	r.WaitEvents(t, next, watch.EventConnected)
	require.NoError(t, pub.Publish(context.Background(), ch, "back"))
	r.WaitMessage(t, "back")
}

// SurvivesOutage checks that while the server refuses connections n
// retries with growing waits, that a subscription made meanwhile hears
// EventDisconnected first, and that every subscription hears
// EventConnected, then messages, once the server is back. n reaches its
// server through p with a ReconnectMin of 100ms; pub reaches the same
// server directly. attempts is how many connections n opens, at least,
// before its backoff has made it wait.
func SurvivesOutage(t *testing.T, n, pub watch.Notifier, p *watchtest.Proxy, attempts int) {
	t.Helper()
	ch, later := watchtest.Channel(t), watchtest.Channel(t)
	before := watchtest.Record(t, n, ch)
	before.WaitEvents(t, 0, watch.EventConnected)

	start, accepted := time.Now(), p.Accepted()
	p.Refuse()
	before.WaitEvents(t, 0, watch.EventConnected, watch.EventDisconnected)
	during := watchtest.Record(t, n, later)
	during.WaitEvents(t, 0, watch.EventDisconnected)
	assert.Equal(t, watch.EventDisconnected, during.Events()[0].Kind, "the first event of a subscription made during an outage")
	assert.Error(t, during.Events()[0].Err)

	// A retry loop that does not back off makes these attempts within a
	// millisecond; the backoff spaces them by 50ms at least.
	require.Eventually(t, func() bool { return p.Accepted() >= accepted+attempts }, watchtest.Wait, 5*time.Millisecond)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	p.Restore()
	for _, r := range []*watchtest.Recorder{before, during} {
		r.WaitEvents(t, 0, watch.EventDisconnected, watch.EventConnected)
	}
	require.NoError(t, pub.Publish(context.Background(), ch, "back"))
	require.NoError(t, pub.Publish(context.Background(), later, "back"))
	before.WaitMessage(t, "back")
	during.WaitMessage(t, "back")
}

// CloseLeavesNoGoroutine checks that once closed, n leaves no goroutine
// behind, even after kill has dropped its connection and it has
// reconnected: no goroutine whose stack holds one of marks, such as the
// notifier's package and its client library's. The calling test must not
// run in parallel, so that it sees only its own goroutines.
func CloseLeavesNoGoroutine(t *testing.T, n watch.Notifier, kill func(t *testing.T), marks ...string) {
	t.Helper()
	ch := watchtest.Channel(t)
	r := watchtest.Record(t, n, ch)
	r.WaitEvents(t, 0, watch.EventConnected)
	require.NoError(t, n.Publish(context.Background(), ch, "x"))
	r.WaitMessage(t, "x")
	kill(t)
	r.WaitEvents(t, 0, watch.EventDisconnected, watch.EventConnected)

	require.NoError(t, n.Close())
	deadline := time.Now().Add(watchtest.Wait)
	for running(marks) != "" {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after Close:\n%s", running(marks))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// running returns the stacks of the goroutines whose stack holds one of
// marks.
func running(marks []string) string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if slices.ContainsFunc(marks, func(m string) bool { return strings.Contains(g, m) }) {
			found = append(found, g)
		}
	}
	return strings.Join(found, "\n\n")
}
