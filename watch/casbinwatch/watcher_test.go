package casbinwatch_test

import (
	"log/slog"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/casbinwatch"
	"github.com/gatehouse-go/gatehouse/watch/pgwatch"
	"github.com/gatehouse-go/gatehouse/watch/rediswatch"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// casbinReplica is a Casbin enforcer on the shared store, with a
// CasbinWatcher on hub.
func casbinReplica(t *testing.T, path string, hub watch.Notifier, channel string, key []byte) *casbin.SyncedEnforcer {
	t.Helper()
	// The watcher first: once it returns, it hears every edit; the
	// enforcer loads the policy after.
	w, err := casbinwatch.New(hub, channel, casbinwatch.Config{Timeout: 10 * time.Second, Key: key})
	require.NoError(t, err)
	adapter, err := gormadapter.NewAdapterByDB(testdb.OpenFile(t, path))
	require.NoError(t, err)
	m, err := model.NewModelFromString(gatehouse.DefaultModel())
	require.NoError(t, err)
	e, err := casbin.NewSyncedEnforcer(m, adapter)
	require.NoError(t, err)
	t.Cleanup(w.Close)
	require.NoError(t, e.SetWatcher(w))
	require.NoError(t, w.SetUpdateCallback(casbinwatch.UpdateCallback(e)))
	return e
}

// casbinTransport gives two replicas their notifiers, and cuts the
// second's connection until restore is called.
type casbinTransport func(t *testing.T) (a, b watch.Notifier, cutB func() (restore func()))

func localTransport(t *testing.T) (watch.Notifier, watch.Notifier, func() func()) {
	hub := watch.NewLocal()
	t.Cleanup(func() { _ = hub.Close() })
	return hub, hub, func() func() { hub.Disconnect(); return hub.Reconnect }
}

// proxiedTransport opens each replica's notifier through a proxy of its
// own to the server at target.
func proxiedTransport(env string, open func(t *testing.T, url string) watch.Notifier) casbinTransport {
	return func(t *testing.T) (watch.Notifier, watch.Notifier, func() func()) {
		raw := os.Getenv(env)
		if raw == "" {
			t.Skipf("%s is not set: no server to carry the messages", env)
		}
		u, err := url.Parse(raw)
		require.NoError(t, err)
		var notifiers [2]watch.Notifier
		var proxies [2]*watchtest.Proxy
		for i := range notifiers {
			proxies[i] = watchtest.NewProxy(t, u.Host)
			via := *u
			via.Host = proxies[i].Addr()
			notifiers[i] = open(t, via.String())
			t.Cleanup(func() { _ = notifiers[i].Close() })
		}
		return notifiers[0], notifiers[1], func() func() { proxies[1].Refuse(); return proxies[1].Restore }
	}
}

func TestCasbinWatcherKeepsPlainEnforcersInStep(t *testing.T) {
	quiet := slog.New(slog.DiscardHandler)
	transports := map[string]casbinTransport{
		"local": localTransport,
		"postgres": proxiedTransport("GATEHOUSE_TEST_POSTGRES", func(t *testing.T, dsn string) watch.Notifier {
			n, err := pgwatch.New(t.Context(), dsn, pgwatch.Config{Logger: quiet})
			require.NoError(t, err)
			return n
		}),
		"redis": proxiedTransport("GATEHOUSE_TEST_REDIS", func(t *testing.T, url string) watch.Notifier {
			n, err := rediswatch.New(t.Context(), url, rediswatch.Config{Logger: quiet})
			require.NoError(t, err)
			return n
		}),
	}
	for name, transport := range transports {
		for sealing, key := range map[string][]byte{"unsealed": nil, "sealed": []byte("casbin-watcher-test-key-0123456789")} {
			t.Run(name+"/"+sealing, func(t *testing.T) {
				t.Parallel()
				casbinReplicasInStep(t, transport, key)
			})
		}
	}
}

func TestCasbinWatcherWaitsForItsNotifier(t *testing.T) {
	hub := watch.NewLocal()
	hub.Disconnect()
	_, err := casbinwatch.New(hub, "casbin_test", casbinwatch.Config{Timeout: 50 * time.Millisecond})
	require.ErrorIs(t, err, watch.ErrUnavailable)
	_, err = casbinwatch.New(nil, "casbin_test", casbinwatch.Config{})
	require.ErrorIs(t, err, watch.ErrInvalidConfig)
}

func casbinReplicasInStep(t *testing.T, transport casbinTransport, key []byte) {
	na, nb, cutB := transport(t)
	channel := watchtest.Channel(t)
	path := testdb.Path(t)
	a := casbinReplica(t, path, na, channel, key)
	b := casbinReplica(t, path, nb, channel, key)

	enforces := func(e *casbin.SyncedEnforcer, sub, perm, owner string, want bool) func() bool {
		return func() bool {
			ok, err := e.Enforce(sub, perm, owner)
			return err == nil && ok == want
		}
	}
	wait := func(cond func() bool, msg string) {
		t.Helper()
		require.Eventually(t, cond, 10*time.Second, 5*time.Millisecond, msg)
	}

	_, err := a.AddPolicy("user", "posts:read", "any", "allow")
	require.NoError(t, err)
	_, err = a.AddGroupingPolicy("bob", "user")
	require.NoError(t, err)
	wait(enforces(b, "bob", "posts:read", "", true), "b never heard of the grant and the role")

	_, err = b.AddPolicies([][]string{{"user", "posts:write", "any", "allow"}, {"bob", "posts:write", "any", "deny"}})
	require.NoError(t, err)
	wait(enforces(a, "bob", "posts:write", "", false), "a never heard of the deny")
	wait(enforces(a, "user", "posts:write", "", true), "a never heard of the allow")

	_, err = a.RemovePolicy("bob", "posts:write", "any", "deny")
	require.NoError(t, err)
	wait(enforces(b, "bob", "posts:write", "", true), "b never heard of the removal")

	_, err = a.RemoveFilteredGroupingPolicy(0, "bob")
	require.NoError(t, err)
	wait(enforces(b, "bob", "posts:read", "", false), "b never heard of the filtered removal")

	if key != nil {
		// A message not sealed with the key is ignored.
		forged := `{"method":"UpdateForAddPolicies","origin":"x","sec":"g","ptype":"g","rules":[["mallory","user"]]}`
		require.NoError(t, na.Publish(t.Context(), channel, forged))
		_, err = a.AddGroupingPolicy("dave", "user")
		require.NoError(t, err)
		wait(enforces(b, "dave", "posts:read", "", true), "b never heard of dave")
		ok, err := b.Enforce("mallory", "posts:read", "")
		require.NoError(t, err)
		require.False(t, ok, "a forged message was applied")
	}

	// After a reconnection the callback reloads: an edit made while b's
	// notifier was down is caught up. (The edit is stored either way;
	// whether a could tell its peers depends on whose connection is down.)
	restore := cutB()
	_, _ = a.AddGroupingPolicy("carol", "user")
	restore()
	wait(enforces(b, "carol", "posts:read", "", true), "b never reloaded after reconnecting")
}
