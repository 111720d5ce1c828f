package authz_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/pgwatch"
	"github.com/gatehouse-go/gatehouse/watch/rediswatch"
	"github.com/gatehouse-go/gatehouse/watch/watchtest"
)

// backend is a store and a notifier replicas share: open gives each
// replica a connection pool of its own on the one store; notifier gives
// each replica a notifier of its own on the one server (Local notifiers
// are one shared hub); kill drops a notifier's connection, which it must
// restore by itself.
type backend struct {
	open     func(t testing.TB) *gorm.DB
	notifier func(t testing.TB) watch.Notifier
	kill     func(t testing.TB, n watch.Notifier)
	// cutStore, when set, makes the store unreachable for every replica
	// until restore is called.
	cutStore func() (restore func())
}

// sqliteBackend is one SQLite file and one Local notifier.
func sqliteBackend(t testing.TB) backend {
	path := testdb.Path(t)
	hub := watch.NewLocal()
	t.Cleanup(func() { _ = hub.Close() })
	return backend{
		open:     func(t testing.TB) *gorm.DB { return testdb.OpenFile(t, path) },
		notifier: func(testing.TB) watch.Notifier { return hub },
		kill: func(t testing.TB, n watch.Notifier) {
			n.(*watch.Local).Disconnect()
			time.AfterFunc(100*time.Millisecond, n.(*watch.Local).Reconnect)
		},
	}
}

// syncInterval is short so that tests of lost messages and a store that
// stops answering run fast.
const syncInterval = 50 * time.Millisecond

// quiet keeps the engines' reports on replication out of test output.
var quiet = slog.New(slog.DiscardHandler)

// replica opens an engine on b's store that follows its peers.
func (b backend) replica(t testing.TB, opts ...authz.Option) (*authz.Engine, watch.Notifier) {
	t.Helper()
	n := b.notifier(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opts = append([]authz.Option{
		withDB(t, b.open(t)), authz.WithNotifier(n), authz.WithSyncInterval(syncInterval), authz.WithLogger(quiet),
	}, opts...)
	e, err := authz.New(ctx, opts...)
	require.NoError(t, err)
	t.Cleanup(e.Close)
	return e, n
}

// eventually waits, generously, for cond.
func eventually(t *testing.T, cond func() bool, msg string, args ...any) {
	t.Helper()
	require.Eventually(t, cond, 15*time.Second, 5*time.Millisecond, fmt.Sprintf(msg, args...))
}

// samePolicy waits until every engine holds the policy of the first.
func samePolicy(t *testing.T, engines ...*authz.Engine) {
	t.Helper()
	ctx := context.Background()
	eventually(t, func() bool {
		// An engine still catching up refuses to answer: wait for it too.
		want, err := engines[0].Policy(ctx)
		if err != nil {
			return false
		}
		for _, e := range engines[1:] {
			got, err := e.Policy(ctx)
			if err != nil || !assert.ObjectsAreEqual(want, got) {
				return false
			}
		}
		return true
	}, "replicas never agreed on the policy")
}

// decides reports whether e answers subject doing perm without error and
// with allowed.
func decides(e *authz.Engine, subject string, perm permissions.Permission, allowed bool) bool {
	d, err := e.Decide(context.Background(), authz.Request{Subject: subject, Permission: perm})
	return err == nil && d.Allowed == allowed
}

// deletesPost reports whether e answers subject deleting the post id
// without error and with allowed.
func deletesPost(e *authz.Engine, subject, id string, allowed bool) bool {
	d, err := e.Decide(context.Background(), authz.Request{Subject: subject, Permission: "posts:delete", Resource: authz.Resource{ID: id}})
	return err == nil && d.Allowed == allowed
}

// runReplicaSuite is what replicas sharing a store and a notifier must do,
// on any backend.
func runReplicaSuite(t *testing.T, b backend) {
	ctx := context.Background()

	t.Run("peers apply each edit without reloading", func(t *testing.T) {
		a, _ := b.replica(t)
		// A long interval: no check of the store may overtake a message.
		peer, _ := b.replica(t, authz.WithSyncInterval(time.Minute))
		before := authz.Reloads(peer)
		require.NoError(t, a.AssignRole(ctx, "bob", "user"))
		require.NoError(t, a.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "reports:read", Scope: permissions.Any}))
		require.NoError(t, a.SetRoles(ctx, "carol", []string{"moderator", "user"}))
		require.NoError(t, a.RemoveGrant(ctx, authz.Grant{Subject: "user", Permission: "posts:delete", Scope: permissions.Own}))
		require.NoError(t, a.AddGrant(ctx, authz.Grant{Subject: "carol", Permission: "reports:read", Scope: permissions.Any, Effect: authz.Deny}))
		require.NoError(t, a.RemoveSubject(ctx, "moderator"))
		samePolicy(t, a, peer)
		assert.True(t, decides(peer, "bob", "reports:read", true))
		assert.True(t, decides(peer, "carol", "reports:read", false))
		assert.Equal(t, before, authz.Reloads(peer), "every edit was applied incrementally")

		// And the other way round.
		require.NoError(t, peer.UnassignRole(ctx, "bob", "user"))
		eventually(t, func() bool { return decides(a, "bob", "reports:read", false) }, "a did not hear peer's edit")
	})

	t.Run("peers apply relation edits without reloading", func(t *testing.T) {
		// admin keeps its own grants of posts:* whatever the other cases
		// edit on the shared store.
		a, _ := b.replica(t)
		// A long interval: no check of the store may overtake a message.
		peer, _ := b.replica(t, authz.WithSyncInterval(time.Minute))
		before := authz.Reloads(peer)
		require.NoError(t, a.AddRelation(ctx, authz.Relation{Subject: "carol", Role: "admin", Resource: "posts:4242"}))
		eventually(t, func() bool { return deletesPost(peer, "carol", "4242", true) }, "peer never heard of carol's relation")
		assert.True(t, deletesPost(peer, "carol", "4243", false), "the relation is on one post only")

		// A new expiry: the old line removed and the new one added, in one
		// edit.
		require.NoError(t, a.AddRelation(ctx, authz.Relation{Subject: "carol", Role: "admin", Resource: "posts:4242",
			Expires: time.Now().Add(time.Hour)}))
		require.NoError(t, a.SetParent(ctx, "posts:77", "threads:1"))
		require.NoError(t, a.AddRelation(ctx, authz.Relation{Subject: "dave", Role: "admin", Resource: "threads:1"}))
		samePolicy(t, a, peer)
		assert.True(t, deletesPost(peer, "dave", "77", true), "a relation on the thread reaches the post inside it")
		relations, err := peer.Relations(ctx, "posts:4242")
		require.NoError(t, err)
		require.Len(t, relations, 1)
		assert.False(t, relations[0].Expires.IsZero(), "the peer has the new expiry")

		// Expiring grants and role assignments travel with their expiry,
		// and a changed expiry is one edit.
		soon := time.Now().Add(time.Hour).Truncate(time.Second)
		require.NoError(t, a.AssignRoleUntil(ctx, "erin", "admin", soon))
		require.NoError(t, a.AssignRoleUntil(ctx, "erin", "admin", soon.Add(time.Hour)))
		require.NoError(t, a.AddGrant(ctx, authz.Grant{Subject: "erin", Permission: "reports:read", Scope: "any", Expires: soon}))
		require.NoError(t, a.AddGrant(ctx, authz.Grant{Subject: "erin", Permission: "reports:read", Scope: "any"}))
		samePolicy(t, a, peer)
		assert.True(t, deletesPost(peer, "erin", "1", true), "the peer has erin's expiring role")

		require.NoError(t, a.SetParent(ctx, "posts:77", "threads:2"))
		require.NoError(t, a.RemoveResource(ctx, "threads:1"))
		samePolicy(t, a, peer)
		assert.True(t, deletesPost(peer, "dave", "77", false), "the post moved out of the thread")
		assert.Equal(t, before, authz.Reloads(peer), "every edit was applied incrementally")

		// And the other way round.
		require.NoError(t, peer.RemoveRelation(ctx, authz.Relation{Subject: "carol", Role: "admin", Resource: "posts:4242"}))
		require.NoError(t, peer.RemoveParent(ctx, "posts:77"))
		eventually(t, func() bool { return deletesPost(a, "carol", "4242", false) }, "a did not hear peer's edit")
		samePolicy(t, a, peer)
	})

	t.Run("conflicting edits from two replicas cannot make a cycle", func(t *testing.T) {
		a, _ := b.replica(t)
		peer, _ := b.replica(t)
		// Race the two assignments: whichever commits second sees the
		// other's, whether by message or by the store refusing a stale edit.
		errs := make(chan error, 2)
		go func() { errs <- a.AssignRole(ctx, "team-x", "team-y") }()
		go func() { errs <- peer.AssignRole(ctx, "team-y", "team-x") }()
		first, second := <-errs, <-errs
		if first == nil {
			require.ErrorIs(t, second, authz.ErrCycle)
		} else {
			require.ErrorIs(t, first, authz.ErrCycle)
			require.NoError(t, second)
		}
		samePolicy(t, a, peer)
	})

	t.Run("an edit on a stale replica is checked against the store's policy", func(t *testing.T) {
		db := b.open(t)
		// Two engines with no notifier: neither hears the other.
		a, err := authz.New(ctx, withDB(t, db))
		require.NoError(t, err)
		stale, err := authz.New(ctx, withDB(t, b.open(t)))
		require.NoError(t, err)
		require.NoError(t, a.AssignRole(ctx, "ops", "admin"))
		require.NoError(t, a.AddGrant(ctx, authz.Grant{Subject: "audit", Permission: "logs:read", Scope: permissions.Any}))
		require.ErrorIs(t, stale.AssignRole(ctx, "admin", "ops"), authz.ErrCycle, "the stale engine reloaded and saw the cycle")
		require.ErrorIs(t, stale.AddGrant(ctx, authz.Grant{Subject: "audit", Permission: "logs:read", Scope: permissions.Any}), authz.ErrExists)
		require.NoError(t, stale.AssignRole(ctx, "dave", "ops"))
		require.NoError(t, a.Reload(ctx))
		samePolicy(t, a, stale)
	})

	t.Run("a lost message is caught up at the next check", func(t *testing.T) {
		peer, _ := b.replica(t)
		silent, err := authz.New(ctx, withDB(t, b.open(t))) // edits without telling anyone
		require.NoError(t, err)
		require.NoError(t, silent.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "audit:read", Scope: permissions.Any}))
		require.NoError(t, silent.AssignRole(ctx, "erin", "user"))
		eventually(t, func() bool { return decides(peer, "erin", "audit:read", true) }, "peer never caught up")
	})

	t.Run("an edit too large for one message makes peers reload", func(t *testing.T) {
		a, _ := b.replica(t)
		peer, _ := b.replica(t)
		roles := make([]string, 0, 400)
		for i := range 400 {
			roles = append(roles, fmt.Sprintf("project-%03d-%s", i, strings.Repeat("x", 20)))
		}
		require.NoError(t, a.SetRoles(ctx, "frank", roles))
		samePolicy(t, a, peer)
	})

	t.Run("messages that are not edits of this store change nothing", func(t *testing.T) {
		a, n := b.replica(t)
		// No check of the store may repair what a message broke: had the
		// forged edit below been applied, the real edit after it, of the
		// same revision, would be ignored and grace never allowed.
		peer, _ := b.replica(t, authz.WithSyncInterval(time.Minute))
		for _, payload := range []string{
			"not json", `{"store":"elsewhere","rev":1,"change":{"add_p":[["bob","users:delete","any","allow"]]}}`,
			`{"store":"","rev":99999}`, `[]`, `{"rev":-1}`, strings.Repeat("{", 5000),
		} {
			require.NoError(t, n.Publish(ctx, authz.DefaultChannel, payload))
		}
		// A well-formed next edit, sealed with a key that is not the
		// store's, as someone who can publish on the channel would forge.
		forged := `{"store":"` + authz.StoreID(peer) + `","rev":` + fmt.Sprint(authz.Revision(peer)+1) +
			`,"change":{"add_p":[["bob","users:delete","any","allow"]]}}`
		require.NoError(t, n.Publish(ctx, authz.DefaultChannel, watch.Seal([]byte(strings.Repeat("k", 64)), forged)))
		require.NoError(t, n.Publish(ctx, authz.DefaultChannel, forged))
		require.NoError(t, a.AssignRole(ctx, "grace", "admin"))
		eventually(t, func() bool { return decides(peer, "grace", "users:delete", true) }, "peer lost track")
		assert.True(t, decides(peer, "bob", "users:delete", false))
		samePolicy(t, a, peer)
	})

	t.Run("a peer that hears no notifications fails closed and catches up after reconnecting", func(t *testing.T) {
		a, _ := b.replica(t)
		peer, peerNotifier := b.replica(t)
		require.NoError(t, a.AssignRole(ctx, "heidi", "user"))
		eventually(t, func() bool { return decides(peer, "heidi", "posts:write", true) }, "first edit")

		b.kill(t, peerNotifier)
		// While disconnected the peer refuses to decide; the edit made on
		// a meanwhile is missed and must be caught up by the reload.
		eventually(t, func() bool { return peer.Err() != nil }, "peer never noticed it was disconnected")
		require.NoError(t, a.AssignRole(ctx, "heidi", "suspended"))
		eventually(t, func() bool { return peer.Err() == nil }, "peer never reconnected")
		eventually(t, func() bool { return decides(peer, "heidi", "posts:write", false) }, "peer missed the edit")
		samePolicy(t, a, peer)
	})

	t.Run("replicas whose store stops answering fail closed and recover", func(t *testing.T) {
		if b.cutStore == nil {
			t.Skip("this backend cannot cut its store")
		}
		a, _ := b.replica(t)
		peer, _ := b.replica(t)
		require.NoError(t, a.AssignRole(ctx, "ivan", "admin"))
		eventually(t, func() bool { return decides(peer, "ivan", "users:delete", true) }, "first edit")

		restore := b.cutStore()
		for _, e := range []*authz.Engine{a, peer} {
			eventually(t, func() bool { return e.Err() != nil }, "a replica did not notice its store was gone")
			d, err := e.Decide(ctx, authz.Request{Subject: "ivan", Permission: "users:delete"})
			require.ErrorIs(t, err, authz.ErrUnavailable)
			require.False(t, d.Allowed)
		}
		require.ErrorIs(t, a.UnassignRole(ctx, "ivan", "admin"), authz.ErrStore, "no edit without a store")
		restore()
		for _, e := range []*authz.Engine{a, peer} {
			eventually(t, func() bool { return decides(e, "ivan", "users:delete", true) }, "a replica never recovered")
		}
		require.NoError(t, a.UnassignRole(ctx, "ivan", "admin"))
		eventually(t, func() bool { return decides(peer, "ivan", "users:delete", false) }, "edits no longer travel")
	})
}

func TestReplicasOnSQLite(t *testing.T) {
	t.Parallel()
	runReplicaSuite(t, sqliteBackend(t))
}

func TestFollowingEngineFailsClosed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := sqliteBackend(t)
	db := b.open(t)
	hub := b.notifier(t).(*watch.Local)
	e, err := authz.New(ctx, withDB(t, db), authz.WithNotifier(hub), authz.WithSyncInterval(syncInterval), authz.WithLogger(quiet))
	require.NoError(t, err)
	require.NoError(t, e.AssignRole(ctx, "bob", "admin"))
	require.NoError(t, e.Err())
	require.True(t, decides(e, "bob", "users:delete", true))

	hub.Disconnect()
	eventually(t, func() bool { return e.Err() != nil }, "never noticed")
	d, err := e.Decide(ctx, authz.Request{Subject: "bob", Permission: "users:delete"})
	require.ErrorIs(t, err, authz.ErrUnavailable)
	require.ErrorIs(t, err, watch.ErrUnavailable)
	assert.False(t, d.Allowed)
	f, err := e.Filter(ctx, "bob", "posts:read")
	require.ErrorIs(t, err, authz.ErrUnavailable)
	assert.Equal(t, authz.FilterNone, f.Kind)
	hub.Reconnect()
	eventually(t, func() bool { return decides(e, "bob", "users:delete", true) }, "never recovered")

	// A store that stops answering is noticed at the next check.
	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	eventually(t, func() bool { return e.Err() != nil }, "a closed store went unnoticed")
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "users:delete"})
	require.ErrorIs(t, err, authz.ErrUnavailable)

	e.Close()
	e.Close()
	_, err = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "users:delete"})
	require.ErrorIs(t, err, authz.ErrUnavailable)
}

func TestWithNotifierNeedsAStore(t *testing.T) {
	_, err := authz.New(context.Background(), authz.WithNotifier(watch.NewLocal()))
	require.ErrorIs(t, err, authz.ErrStore)
}

func TestNewWaitsForTheNotifier(t *testing.T) {
	hub := watch.NewLocal()
	hub.Disconnect()
	// Long enough for the store's first load on a loaded machine, so that
	// what times out is the wait for the notifier.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := authz.New(ctx, withDB(t, testdb.Open(t)), authz.WithNotifier(hub))
	require.ErrorIs(t, err, authz.ErrUnavailable)
}

// serverBackend is a database of its own on the server env names, behind a
// proxy that can cut it, each replica with a connection pool of its own,
// and notifiers from notifier.
func serverBackend(t testing.TB, env string, notifier func(t testing.TB) watch.Notifier, kill func(t testing.TB, n watch.Notifier)) backend {
	_, dsn := testdb.ServerDSN(t, env)
	proxy := watchtest.NewProxy(t, hostPort(t, dsn))
	proxied := viaProxy(t, dsn, proxy)
	return backend{
		open: func(t testing.TB) *gorm.DB {
			db, err := database.Open(proxied)
			require.NoError(t, err)
			t.Cleanup(func() {
				if sqlDB, err := db.DB(); err == nil {
					_ = sqlDB.Close()
				}
			})
			return db
		},
		notifier: notifier,
		kill:     kill,
		cutStore: func() func() {
			proxy.Refuse()
			return proxy.Restore
		},
	}
}

// hostPort returns the server address of a URL-shaped DSN.
func hostPort(t testing.TB, dsn string) string {
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	return u.Host
}

// viaProxy returns dsn pointed at p.
func viaProxy(t testing.TB, dsn string, p *watchtest.Proxy) string {
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	u.Host = p.Addr()
	return u.String()
}

// proxiedNotifiers gives each replica a notifier of its own behind a proxy
// of its own, and a kill that drops the proxy's connections for a moment,
// as a network failure or a server restart would.
type proxiedNotifiers struct {
	target  string
	open    func(t testing.TB, addr string) watch.Notifier
	mu      sync.Mutex
	proxies map[watch.Notifier]*watchtest.Proxy
}

func (p *proxiedNotifiers) notifier(t testing.TB) watch.Notifier {
	proxy := watchtest.NewProxy(t, p.target)
	n := p.open(t, proxy.Addr())
	t.Cleanup(func() { _ = n.Close() })
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.proxies == nil {
		p.proxies = make(map[watch.Notifier]*watchtest.Proxy)
	}
	p.proxies[n] = proxy
	return n
}

func (p *proxiedNotifiers) kill(_ testing.TB, n watch.Notifier) {
	p.mu.Lock()
	proxy := p.proxies[n]
	p.mu.Unlock()
	proxy.Refuse()
	time.AfterFunc(300*time.Millisecond, proxy.Restore)
}

// pgPair is a PostgreSQL store whose replicas hear each other by
// LISTEN/NOTIFY on the same server.
func pgPair(t testing.TB) (backend, bool) {
	dsn := os.Getenv("GATEHOUSE_TEST_POSTGRES")
	if dsn == "" {
		return backend{}, false
	}
	notifiers := &proxiedNotifiers{target: hostPort(t, dsn), open: func(t testing.TB, addr string) watch.Notifier {
		u, err := url.Parse(dsn)
		require.NoError(t, err)
		u.Host = addr
		n, err := pgwatch.New(context.Background(), u.String(), pgwatch.Config{Logger: quiet})
		require.NoError(t, err)
		return n
	}}
	return serverBackend(t, "GATEHOUSE_TEST_POSTGRES", notifiers.notifier, notifiers.kill), true
}

// mariaRedisPair is a MariaDB store whose replicas hear each other by
// Redis pub/sub.
func mariaRedisPair(t testing.TB) (backend, bool) {
	redisURL := os.Getenv("GATEHOUSE_TEST_REDIS")
	if os.Getenv("GATEHOUSE_TEST_MYSQL") == "" || redisURL == "" {
		return backend{}, false
	}
	notifiers := &proxiedNotifiers{target: hostPort(t, redisURL), open: func(t testing.TB, addr string) watch.Notifier {
		u, err := url.Parse(redisURL)
		require.NoError(t, err)
		u.Host = addr
		n, err := rediswatch.New(context.Background(), u.String(), rediswatch.Config{Logger: quiet})
		require.NoError(t, err)
		return n
	}}
	return serverBackend(t, "GATEHOUSE_TEST_MYSQL", notifiers.notifier, notifiers.kill), true
}

// serverPairs are the store and notifier pairs on servers: PostgreSQL with
// LISTEN/NOTIFY, and MariaDB with Redis pub/sub.
func serverPairs() []propagationBackend {
	return []propagationBackend{
		{"postgres+listen", pgPair},
		{"mariadb+redis", mariaRedisPair},
	}
}

func TestReplicasOnServers(t *testing.T) {
	t.Parallel()
	for _, pair := range serverPairs() {
		t.Run(pair.name, func(t *testing.T) {
			t.Parallel()
			b, ok := pair.backend(t)
			if !ok {
				t.Skip("set GATEHOUSE_TEST_POSTGRES, or GATEHOUSE_TEST_MYSQL and GATEHOUSE_TEST_REDIS, to run replicas on servers")
			}
			runReplicaSuite(t, b)
		})
	}
}

// Relation lines in a peer's message are validated as the engine's own
// edits are: a malformed line, a line that does not fit the policy in
// memory, or relations sent to an engine whose model has none, are not
// applied; the engine reloads the store's policy instead.
func TestRelationMessagesAreChecked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	expires := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	held := authz.Relation{Subject: "carol", Role: "moderator", Resource: "posts:42", Expires: expires}
	for _, c := range []struct {
		name   string
		model  []authz.Option
		change string
	}{
		{name: "a relation of 2 values", change: `{"add_g2":[["dave","moderator"]]}`},
		{name: "a resource without a type", change: `{"add_g2":[["dave","moderator","42"]]}`},
		{name: "an expiry that does not parse", change: `{"add_g2":[["dave","moderator","posts:42","until Friday"]]}`},
		{name: "a subject holding itself", change: `{"add_g2":[["dave","dave","posts:42"]]}`},
		{name: "a parent of 3 values", change: `{"add_g3":[["posts:1","threads:1","threads:2"]]}`},
		{name: "a resource inside itself", change: `{"add_g3":[["posts:1","posts:1"]]}`},
		{name: "a relation added twice", change: `{"add_g2":[["dave","moderator","posts:42"],["dave","moderator","posts:42","until 2099-01-01T00:00:00Z"]]}`},
		{name: "two parents of one resource", change: `{"add_g3":[["posts:1","threads:1"],["posts:1","threads:2"]]}`},
		{name: "removing a relation memory lacks", change: `{"remove_g2":[["dave","moderator","posts:42"]]}`},
		{name: "removing a relation without its expiry", change: `{"remove_g2":[["carol","moderator","posts:42"]]}`},
		{name: "adding a relation memory has", change: `{"add_g2":[` + ruleJSON(held.Rule()) + `]}`},
		{name: "adding another expiry without removing the old", change: `{"add_g2":[["carol","moderator","posts:42"]]}`},
		{name: "a second parent", change: `{"add_g3":[["posts:7","threads:9"]]}`},
		{name: "removing another parent", change: `{"remove_g3":[["posts:7","threads:9"]]}`},
		{name: "relations under the tenant model", model: []authz.Option{authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy("")},
			change: `{"add_g2":[["dave","moderator","posts:42"]]}`},
		{name: "parents under the tenant model", model: []authz.Option{authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy("")},
			change: `{"add_g3":[["posts:1","threads:1"]]}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			store, err := authz.NewMemoryStore()
			require.NoError(t, err)
			hub := watch.NewLocal()
			t.Cleanup(func() { _ = hub.Close() })
			opts := append([]authz.Option{authz.WithStore(store), authz.WithNotifier(hub), authz.WithLogger(quiet),
				authz.WithSyncInterval(time.Minute)}, c.model...)
			e, err := authz.New(ctx, opts...)
			require.NoError(t, err)
			t.Cleanup(e.Close)
			if c.model == nil {
				require.NoError(t, e.AddRelation(ctx, held))
				require.NoError(t, e.SetParent(ctx, "posts:7", "threads:7"))
			}
			want, err := e.Policy(ctx)
			require.NoError(t, err)

			id, key, err := store.Identity(ctx)
			require.NoError(t, err)
			before := authz.Reloads(e)
			payload := fmt.Sprintf(`{"store":%q,"rev":%d,"change":%s}`, id, authz.Revision(e)+1, c.change)
			require.NoError(t, hub.Publish(ctx, authz.DefaultChannel, watch.Seal(key, payload)))
			eventually(t, func() bool { return authz.Reloads(e) > before }, "the engine did not refuse the message and reload")
			got, err := e.Policy(ctx)
			require.NoError(t, err)
			assert.Equal(t, want, got, "the message changed nothing")
			assert.False(t, deletesPost(e, "dave", "42", true))
		})
	}
}

// ruleJSON returns rule as a JSON array of strings.
func ruleJSON(rule []string) string {
	quoted := make([]string, len(rule))
	for i, v := range rule {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ",") + "]"
}
