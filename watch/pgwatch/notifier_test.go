package pgwatch

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/internal/servertest"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// envDSN names the environment variable with the DSN of the PostgreSQL
// server the tests run against.
const envDSN = "GATEHOUSE_TEST_POSTGRES"

func serverDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envDSN)
	if dsn == "" {
		t.Skipf("%s is not set: no PostgreSQL server to test against", envDSN)
	}
	return dsn
}

// quiet keeps the expected reconnection warnings out of the test output.
var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func open(t *testing.T, dsn string, cfg Config) *Notifier {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quiet
	}
	ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
	defer cancel()
	n, err := New(ctx, dsn, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = n.Close() })
	return n
}

// terminate ends a backend from another connection, as an operator would.
func terminate(t *testing.T, dsn, where string, args ...any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), watchtest.Wait)
	defer cancel()
	admin, err := pgx.Connect(ctx, dsn)
	require.NoError(t, err)
	defer admin.Close(ctx)
	var killed int
	err = admin.QueryRow(ctx,
		"SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "+where+") AS t", args...).
		Scan(&killed)
	require.NoError(t, err)
	return killed
}

func TestConformance(t *testing.T) {
	dsn := serverDSN(t)
	watchtest.Run(t, watchtest.Harness{
		New: func(t *testing.T) watch.Notifier { return open(t, dsn, Config{}) },
		Kill: func(t *testing.T, n watch.Notifier) {
			pid := n.(*Notifier).listenerPID()
			require.NotZero(t, pid, "the listener is connected")
			require.Equal(t, 1, terminate(t, dsn, "pid = $1", pid))
		},
	})
}

// newQuiet is New with the default Config but for the logger.
func newQuiet(ctx context.Context, dsn string) (*Notifier, error) {
	return New(ctx, dsn, Config{Logger: quiet})
}

func TestNewRefusesABadDSN(t *testing.T) {
	t.Parallel()
	servertest.RefusesBadAddress(t, newQuiet, map[string]string{
		"empty":            "",
		"blank":            "  ",
		"bad URL escape":   "postgres://user:secret@127.0.0.1:5432/db%zz",
		"bad port":         "postgres://user:secret@127.0.0.1:notaport/db",
		"bad key=value":    "host=127.0.0.1 password='secret",
		"bad pool setting": "postgres://user:secret@127.0.0.1/db?pool_max_conns=many",
	})
}

func TestNewFailsWhenTheServerDoesNotAnswer(t *testing.T) {
	t.Parallel()
	servertest.FailsWithoutServer(t, newQuiet, func(hostPort string) string {
		return "postgres://user:secret@" + hostPort + "/test?sslmode=disable"
	})
}

func TestChannelNames(t *testing.T) {
	t.Parallel()
	n := open(t, serverDSN(t), Config{})
	for _, tc := range []struct {
		name    string
		channel string
		valid   bool
	}{
		{"empty", "", false},
		{"64 bytes", strings.Repeat("c", 64), false},
		{"NUL", "a\x00b", false},
		{"invalid UTF-8", "a\xffb", false},
		// Valid names are completed with 16 hex digits of their own.
		{"63 bytes", strings.Repeat("c", 63-16), true},
		{"quotes, spaces and case", `Gatehouse "Policy"; DROP TABLE x `, true},
		{"unicode", "gatehouse-politique-été-", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.valid {
				_, err := n.Subscribe(tc.channel, func(watch.Event) {})
				assert.ErrorIs(t, err, watch.ErrInvalidConfig)
				assert.ErrorIs(t, n.Publish(context.Background(), tc.channel, "x"), watch.ErrInvalidConfig)
				return
			}
			ch := tc.channel + strings.TrimPrefix(watchtest.Channel(t), "gatehouse-test-")
			r := watchtest.Record(t, n, ch)
			r.WaitEvents(t, 0, watch.EventConnected)
			require.NoError(t, n.Publish(context.Background(), ch, "hello"))
			r.WaitMessage(t, "hello")
		})
	}
}

// An operator may terminate every connection of the notifier at once: the
// subscriptions reconnect and Publish goes on working.
func TestTerminatingEveryConnection(t *testing.T) {
	t.Parallel()
	dsn := serverDSN(t)
	name := watchtest.Channel(t) // unique application_name
	n := open(t, dsn, Config{ApplicationName: name})
	ch := watchtest.Channel(t)
	r := watchtest.Record(t, n, ch)
	r.WaitEvents(t, 0, watch.EventConnected)
	require.NoError(t, n.Publish(context.Background(), ch, "before"))
	r.WaitMessage(t, "before")

	mark := r.Len()
	assert.GreaterOrEqual(t, terminate(t, dsn, "application_name = $1", name), 2, "the listener and a publisher")
	r.WaitEvents(t, mark, watch.EventDisconnected, watch.EventConnected)
	require.NoError(t, n.Publish(context.Background(), ch, "after"))
	r.WaitMessage(t, "after")
}

// viaProxy returns dsn with the host and port of p.
func viaProxy(t *testing.T, dsn string, p *watchtest.Proxy) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Skipf("%s is not a postgres:// URL: cannot put a proxy in it", envDSN)
	}
	u.Host = p.Addr()
	return u.String()
}

func proxyTarget(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	require.NoError(t, err)
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

// A connection that goes silent without closing is noticed by the
// liveness check, and the listener reconnects once the network is back.
func TestSilentlyDeadConnection(t *testing.T) {
	t.Parallel()
	dsn := serverDSN(t)
	p := watchtest.NewProxy(t, proxyTarget(t, dsn))
	n := open(t, viaProxy(t, dsn, p), Config{PingInterval: 200 * time.Millisecond, Timeout: 2 * time.Second})
	servertest.NoticesSilentConnection(t, n, open(t, dsn, Config{}), p)
}

// While the server refuses connections the listener retries with growing
// waits, each attempt one connection.
func TestOutage(t *testing.T) {
	t.Parallel()
	dsn := serverDSN(t)
	p := watchtest.NewProxy(t, proxyTarget(t, dsn))
	n := open(t, viaProxy(t, dsn, p), Config{ReconnectMin: 100 * time.Millisecond})
	servertest.SurvivesOutage(t, n, open(t, dsn, Config{}), p, 4)
}

// The test is not parallel, so that it counts only its own goroutines: the
// running code of this package, pgx and its pool.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	dsn := serverDSN(t)
	n := open(t, dsn, Config{})
	kill := func(t *testing.T) { terminate(t, dsn, "pid = $1", n.listenerPID()) }
	servertest.CloseLeavesNoGoroutine(t, n, kill, "watch/pgwatch.(*", "jackc/pgx", "jackc/puddle")
}
