package rediswatch

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/servertest"
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
// of their own, and closes it when the test ends.
func open(t *testing.T, rawURL string, cfg Config) *Notifier {
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
	return n
}

// openFromClient returns a Notifier made with NewFromClient on a client of
// its own, named for it, and closes it when the test ends.
func openFromClient(t *testing.T, rawURL string) *Notifier {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
	defer cancel()
	n, err := NewFromClient(ctx, client(t, rawURL, watchtest.Channel(t)), Config{Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	return n
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

// kill drops the subscription connection of n, found by the client name
// its connections carry, as an operator would, and no other.
func kill(t *testing.T, admin *redis.Client, n watch.Notifier) {
	t.Helper()
	name := n.(*Notifier).client.(*redis.Client).Options().ClientName
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

// The suite passes on a Notifier with a client of its own and on one with
// a client of the application's.
func TestConformance(t *testing.T) {
	rawURL := serverURL(t)
	admin := client(t, rawURL, "gatehouse-test-admin")
	for _, tc := range []struct {
		name string
		open func(t *testing.T) watch.Notifier
	}{
		{"New", func(t *testing.T) watch.Notifier { return open(t, rawURL, Config{}) }},
		{"NewFromClient", func(t *testing.T) watch.Notifier { return openFromClient(t, rawURL) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			watchtest.Run(t, watchtest.Harness{
				New:  tc.open,
				Kill: func(t *testing.T, n watch.Notifier) { kill(t, admin, n) },
			})
		})
	}
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

// newQuiet is New with the default Config but for the logger.
func newQuiet(ctx context.Context, rawURL string) (*Notifier, error) {
	return New(ctx, rawURL, Config{Logger: quiet})
}

func TestNewRefusesABadURL(t *testing.T) {
	t.Parallel()
	servertest.RefusesBadAddress(t, newQuiet, map[string]string{
		"empty":          "",
		"other scheme":   "http://user:secret@127.0.0.1:6379/0",
		"bad escape":     "redis://user:secret@127.0.0.1:6379/%zz",
		"bad port":       "redis://user:secret@127.0.0.1:notaport/0",
		"bad database":   "redis://user:secret@127.0.0.1:6379/zero",
		"unknown option": "redis://user:secret@127.0.0.1:6379/0?colour=blue",
	})
}

func TestNewFailsWhenTheServerDoesNotAnswer(t *testing.T) {
	t.Parallel()
	servertest.FailsWithoutServer(t, newQuiet, func(hostPort string) string {
		return "redis://user:secret@" + hostPort + "/0"
	})
}

func TestEmptyChannel(t *testing.T) {
	t.Parallel()
	n := open(t, serverURL(t), Config{})
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
	n := open(t, proxied, Config{PingInterval: 200 * time.Millisecond, Timeout: 2 * time.Second})
	servertest.NoticesSilentConnection(t, n, open(t, rawURL, Config{}), p)
}

// While the server refuses connections the notifier retries with growing
// waits. The proxy counts more connections than the notifier makes
// attempts: go-redis dials again at once after a failure.
func TestOutage(t *testing.T) {
	t.Parallel()
	rawURL := serverURL(t)
	proxied, p := viaProxy(t, rawURL)
	n := open(t, proxied, Config{ReconnectMin: 100 * time.Millisecond})
	servertest.SurvivesOutage(t, n, open(t, rawURL, Config{}), p, 6)
}

// Once closed, a notifier made with New leaves no goroutine behind. The
// test is not parallel, so that it counts only its own goroutines: the
// running code of this package and go-redis.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	rawURL := serverURL(t)
	admin := client(t, rawURL, "gatehouse-test-admin")
	n := open(t, rawURL, Config{})
	servertest.CloseLeavesNoGoroutine(t, n, func(t *testing.T) { kill(t, admin, n) }, "watch/rediswatch.(*", "redis/go-redis")
}
