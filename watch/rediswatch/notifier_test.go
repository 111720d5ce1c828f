package rediswatch

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// envURL names the environment variable with the URL of the Redis server
// the tests run against.
const envURL = "GATEHOUSE_TEST_REDIS"

func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(envURL)
	if u == "" {
		t.Skipf("%s is not set: no Redis server to test against", envURL)
	}
	return u
}

// quiet keeps the expected reconnection warnings out of the test output.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// open returns a Notifier on rawURL whose connections carry a client name
// of their own, which it returns too, and closes it when the test ends.
func open(t *testing.T, rawURL string, cfg Config) (*Notifier, string) {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	if cfg.ClientName == "" {
		cfg.ClientName = watchtest.Channel(t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
	defer cancel()
	n, err := New(ctx, rawURL, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	return n, cfg.ClientName
}

func client(t *testing.T, rawURL string, name string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(rawURL)
	require.NoError(t, err)
	opts.ClientName = name
	c := redis.NewClient(opts)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// kill drops the subscription connection of the client called name, as
// an operator would, and no other.
func kill(t *testing.T, admin *redis.Client, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
	defer cancel()
	list, err := admin.Do(ctx, "CLIENT", "LIST", "TYPE", "pubsub").Text()
	require.NoError(t, err)
	var ids []string
	for _, line := range strings.Split(list, "\n") {
		fields := strings.Fields(line)
		if !slices.Contains(fields, "name="+name) {
			continue
		}
		for _, f := range fields {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				ids = append(ids, id)
			}
		}
	}
	require.Len(t, ids, 1, "one subscription connection named %s in\n%s", name, list)
	killed, err := admin.Do(ctx, "CLIENT", "KILL", "ID", ids[0]).Int()
	require.NoError(t, err)
	require.Equal(t, 1, killed)
}

func TestConformance(t *testing.T) {
	rawURL := serverURL(t)
	admin := client(t, rawURL, "gatehouse-test-admin")
	names := map[watch.Notifier]string{}
	var mu sync.Mutex
	watchtest.Run(t, watchtest.Harness{
		New: func(t *testing.T) watch.Notifier {
			n, name := open(t, rawURL, Config{})
			mu.Lock()
			defer mu.Unlock()
			names[n] = name
			return n
		},
		Kill: func(t *testing.T, n watch.Notifier) {
			mu.Lock()
			name := names[n]
			mu.Unlock()
			kill(t, admin, name)
		},
	})
}

// The suite passes on a client of the application's too.
func TestConformanceFromClient(t *testing.T) {
	rawURL := serverURL(t)
	admin := client(t, rawURL, "gatehouse-test-admin")
	names := map[watch.Notifier]string{}
	var mu sync.Mutex
	watchtest.Run(t, watchtest.Harness{
		New: func(t *testing.T) watch.Notifier {
			name := watchtest.Channel(t)
			ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
			defer cancel()
			n, err := NewFromClient(ctx, client(t, rawURL, name), Config{Logger: quiet})
			require.NoError(t, err)
			t.Cleanup(func() { _ = n.Close() })
			mu.Lock()
			defer mu.Unlock()
			names[n] = name
			return n
		},
		Kill: func(t *testing.T, n watch.Notifier) {
			mu.Lock()
			name := names[n]
			mu.Unlock()
			kill(t, admin, name)
		},
	})
}

func TestNewFromClientLeavesTheClientOpen(t *testing.T) {
	t.Parallel()
	c := client(t, serverURL(t), watchtest.Channel(t))
	n, err := NewFromClient(context.Background(), c, Config{Logger: quiet})
	require.NoError(t, err)
	require.NoError(t, n.Close())
	assert.NoError(t, c.Ping(context.Background()).Err())

	_, err = NewFromClient(context.Background(), nil, Config{})
	assert.ErrorIs(t, err, watch.ErrInvalidConfig)
}

func TestNewRefusesABadURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, url string }{
		{"empty", ""},
		{"other scheme", "http://user:secret@127.0.0.1:6379/0"},
		{"bad escape", "redis://user:secret@127.0.0.1:6379/%zz"},
		{"bad port", "redis://user:secret@127.0.0.1:notaport/0"},
		{"bad database", "redis://user:secret@127.0.0.1:6379/zero"},
		{"unknown option", "redis://user:secret@127.0.0.1:6379/0?colour=blue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			n, err := New(context.Background(), tc.url, Config{Logger: quiet})
			require.ErrorIs(t, err, watch.ErrInvalidConfig)
			assert.Nil(t, n)
			assert.NotContains(t, err.Error(), "secret", "the password stays out of errors")
		})
	}
}

func TestNewFailsWhenTheServerDoesNotAnswer(t *testing.T) {
	t.Parallel()
	// A proxy that closes every connection plays a server that is down.
	p := watchtest.NewProxy(t, "127.0.0.1:1")
	p.Refuse()
	ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
	defer cancel()
	n, err := New(ctx, "redis://user:secret@"+p.Addr()+"/0", Config{Logger: quiet})
	require.Error(t, err)
	assert.Nil(t, n)
	assert.NotErrorIs(t, err, watch.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "secret")
}

func TestEmptyChannel(t *testing.T) {
	t.Parallel()
	n, _ := open(t, serverURL(t), Config{})
	_, err := n.Subscribe("", func(watch.Event) {})
	assert.ErrorIs(t, err, watch.ErrInvalidConfig)
	assert.ErrorIs(t, n.Publish(context.Background(), "", "x"), watch.ErrInvalidConfig)
}

// viaProxy returns rawURL with the host and port of p, and the address p
// forwards to.
func viaProxy(t *testing.T, rawURL string) (string, *watchtest.Proxy) {
	t.Helper()
	opts, err := redis.ParseURL(rawURL)
	require.NoError(t, err)
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	p := watchtest.NewProxy(t, opts.Addr)
	u.Host = p.Addr()
	return u.String(), p
}

// A connection that goes silent without closing is noticed by the PING
// that silence prompts, and the notifier reconnects once the network is
// back.
func TestSilentlyDeadConnection(t *testing.T) {
	t.Parallel()
	rawURL := serverURL(t)
	proxied, p := viaProxy(t, rawURL)
	n, _ := open(t, proxied, Config{PingInterval: 200 * time.Millisecond, Timeout: 2 * time.Second})
	pub, _ := open(t, rawURL, Config{})
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

// While the server refuses connections the notifier retries with growing
// waits, a subscription made meanwhile hears EventDisconnected first, and
// every subscription hears EventConnected once the server is back.
func TestOutage(t *testing.T) {
	t.Parallel()
	rawURL := serverURL(t)
	proxied, p := viaProxy(t, rawURL)
	n, _ := open(t, proxied, Config{ReconnectMin: 100 * time.Millisecond})
	pub, _ := open(t, rawURL, Config{})
	ch := watchtest.Channel(t)
	before := watchtest.Record(t, n, ch)
	before.WaitEvents(t, 0, watch.EventConnected)

	start, attempts := time.Now(), p.Accepted()
	p.Refuse()
	before.WaitEvents(t, 0, watch.EventConnected, watch.EventDisconnected)
	during := watchtest.Record(t, n, watchtest.Channel(t))
	during.WaitEvents(t, 0, watch.EventDisconnected)
	assert.Equal(t, watch.EventDisconnected, during.Events()[0].Kind, "the first event of a subscription made during an outage")
	assert.Error(t, during.Events()[0].Err)

	// A retry loop that does not back off makes these attempts within a
	// millisecond; the backoff spaces them by 50ms at least.
	require.Eventually(t, func() bool { return p.Accepted() >= attempts+6 }, watchtest.Wait, 5*time.Millisecond)
	assert.GreaterOrEqual(t, time.Since(start), 50*time.Millisecond)

	p.Restore()
	for _, r := range []*watchtest.Recorder{before, during} {
		r.WaitEvents(t, 0, watch.EventDisconnected, watch.EventConnected)
	}
	require.NoError(t, pub.Publish(context.Background(), ch, "back"))
	before.WaitMessage(t, "back")
}

// Once closed, a notifier made with New leaves no goroutine behind, even
// after a reconnection. The test is not parallel, so that it counts only
// its own.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	rawURL := serverURL(t)
	admin := client(t, rawURL, "gatehouse-test-admin")
	n, name := open(t, rawURL, Config{})
	ch := watchtest.Channel(t)
	r := watchtest.Record(t, n, ch)
	r.WaitEvents(t, 0, watch.EventConnected)
	require.NoError(t, n.Publish(context.Background(), ch, "x"))
	r.WaitMessage(t, "x")
	kill(t, admin, name)
	r.WaitEvents(t, 0, watch.EventDisconnected, watch.EventConnected)

	require.NoError(t, n.Close())
	deadline := time.Now().Add(watchtest.Wait)
	for ours() != "" {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after Close:\n%s", ours())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ours returns the stacks of the goroutines running this package's code
// or go-redis's.
func ours() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var found []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "watch/rediswatch.(*") || strings.Contains(g, "redis/go-redis") {
			found = append(found, g)
		}
	}
	return strings.Join(found, "\n\n")
}
