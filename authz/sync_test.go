package authz_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
)

// backend is a store and a notifier replicas share: open gives each
// replica a connection pool of its own on the one store; notifier gives
// each replica a notifier of its own on the one server (Local notifiers
// are one shared hub); kill drops a notifier's connection, which it must
// restore by itself.
type backend struct {
	open     func(t *testing.T) *gorm.DB
	notifier func(t *testing.T) watch.Notifier
	kill     func(t *testing.T, n watch.Notifier)
}

// sqliteBackend is one SQLite file and one Local notifier.
func sqliteBackend(t *testing.T) backend {
	path := testdb.Path(t)
	hub := watch.NewLocal()
	t.Cleanup(func() { _ = hub.Close() })
	return backend{
		open:     func(t *testing.T) *gorm.DB { return testdb.OpenFile(t, path) },
		notifier: func(*testing.T) watch.Notifier { return hub },
		kill: func(t *testing.T, n watch.Notifier) {
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
func (b backend) replica(t *testing.T, opts ...authz.Option) (*authz.Engine, watch.Notifier) {
	t.Helper()
	n := b.notifier(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opts = append([]authz.Option{
		authz.WithDB(b.open(t)), authz.WithNotifier(n), authz.WithSyncInterval(syncInterval), authz.WithLogger(quiet),
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
		want, err := engines[0].Policy(ctx)
		require.NoError(t, err)
		for _, e := range engines[1:] {
			got, err := e.Policy(ctx)
			require.NoError(t, err)
			if !assert.ObjectsAreEqual(want, got) {
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
		a, err := authz.New(ctx, authz.WithDB(db))
		require.NoError(t, err)
		stale, err := authz.New(ctx, authz.WithDB(b.open(t)))
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
		silent, err := authz.New(ctx, authz.WithDB(b.open(t))) // edits without telling anyone
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
		peer, _ := b.replica(t)
		for _, payload := range []string{
			"not json", `{"store":"elsewhere","rev":1,"change":{"add_p":[["bob","users:delete","any","allow"]]}}`,
			`{"store":"","rev":99999}`, `[]`, `{"rev":-1}`, strings.Repeat("{", 5000),
		} {
			require.NoError(t, n.Publish(ctx, authz.DefaultChannel, payload))
		}
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
	e, err := authz.New(ctx, authz.WithDB(db), authz.WithNotifier(hub), authz.WithSyncInterval(syncInterval), authz.WithLogger(quiet))
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
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := authz.New(ctx, authz.WithDB(testdb.Open(t)), authz.WithNotifier(hub))
	require.ErrorIs(t, err, authz.ErrUnavailable)
}

// serverBackend is a database of its own on the server env names, each
// replica with a connection pool of its own, and notifiers from notifier.
func serverBackend(t *testing.T, env string, notifier func(t *testing.T) watch.Notifier, kill func(t *testing.T, n watch.Notifier)) backend {
	_, dsn := testdb.ServerDSN(t, env)
	return backend{
		open: func(t *testing.T) *gorm.DB {
			db, err := database.Open(dsn)
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
	}
}

func TestReplicasOnServers(t *testing.T) {
	t.Parallel()
	for _, env := range testdb.Servers {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			local := sqliteBackend(t)
			runReplicaSuite(t, serverBackend(t, env, local.notifier, local.kill))
		})
	}
}
