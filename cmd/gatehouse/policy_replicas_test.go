package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/pgwatch"
	"github.com/gatehouse-go/gatehouse/watch/rediswatch"
)

// redisEnv names the Redis server the replica tests may use.
const redisEnv = "GATEHOUSE_TEST_REDIS"

// reach is how long an edit may take to reach a running engine.
const reach = 5 * time.Second

// TestPolicyEditsReachARunningEngine edits a store with the command while
// an engine of this process follows it, as a replica of an application
// would, and waits for each edit to show in the engine's decisions.
func TestPolicyEditsReachARunningEngine(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		name string
		// open returns the store's DSN and a database on it, the notifier
		// the engine follows it with and its sync interval, and what the
		// command needs besides --database.
		open func(t *testing.T) (dsn string, opts []authz.Option, env []string)
	}{
		{
			name: "postgres, LISTEN/NOTIFY",
			open: func(t *testing.T) (string, []authz.Option, []string) {
				d := testdb.Postgres.New(t)
				n, err := pgwatch.New(context.Background(), d.DSN(), pgwatch.Config{Logger: quiet})
				require.NoError(t, err)
				t.Cleanup(func() { _ = n.Close() })
				// An hour between checks of the store: only the notification
				// can bring the edit within the test's time.
				return d.DSN(), []authz.Option{withDB(t, d.Open(t)), authz.WithNotifier(n), authz.WithSyncInterval(time.Hour)}, nil
			},
		},
		{
			name: "sqlite, redis",
			open: func(t *testing.T) (string, []authz.Option, []string) {
				url := os.Getenv(redisEnv)
				if url == "" {
					t.Skipf("%s is not set: no Redis server to test against", redisEnv)
				}
				d := testdb.SQLite.New(t)
				n, err := rediswatch.New(context.Background(), url, rediswatch.Config{Logger: quiet})
				require.NoError(t, err)
				t.Cleanup(func() { _ = n.Close() })
				return d.DSN(), []authz.Option{withDB(t, d.Open(t)), authz.WithNotifier(n), authz.WithSyncInterval(time.Hour)},
					[]string{"GATEHOUSE_REDIS=" + url}
			},
		},
		{
			name: "mysql, periodic check",
			open: func(t *testing.T) (string, []authz.Option, []string) {
				d := testdb.MySQL.New(t)
				// Nothing carries the edit: the engine finds it at its
				// check of the store.
				return d.DSN(), []authz.Option{withDB(t, d.Open(t)), authz.WithNotifier(watch.NewLocal()), authz.WithSyncInterval(100 * time.Millisecond)}, nil
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dsn, opts, env := tt.open(t)
			ctx := context.Background()
			e, err := authz.New(ctx, append(opts, authz.WithPolicy(""), authz.WithLogger(quiet))...)
			require.NoError(t, err)
			t.Cleanup(e.Close)
			in := invocation{env: env}

			edit := func(args ...string) {
				t.Helper()
				r := in.run(t, append(append([]string{"policy"}, args...), "--database", dsn)...)
				require.Equal(t, exitOK, r.code, r)
				require.Empty(t, r.stderr, r)
			}
			decides := func(subject string, permission permissions.Permission, allowed bool) {
				t.Helper()
				assert.Eventually(t, func() bool {
					d, err := e.Decide(ctx, authz.Request{Subject: subject, Permission: permission})
					return err == nil && d.Allowed == allowed
				}, reach, 10*time.Millisecond, "%s %s allowed=%v", subject, permission, allowed)
			}

			edit("grant", "--subject", "bob", "--permission", "posts:write")
			decides("bob", "posts:write", true)

			edit("assign", "--subject", "bob", "--role", "suspended")
			edit("deny", "--subject", "suspended", "--permission", "posts:write")
			decides("bob", "posts:write", false)

			edit("import", "--replace", "testdata/policy.csv")
			// The deny the file shares with the store keeps its place, ahead
			// of the rules the import adds: compare rules, not their order.
			want := policyLines(readPolicy(t, "testdata/policy.csv"))
			slices.Sort(want)
			holds := func(p authz.Policy) bool {
				got := policyLines(p)
				slices.Sort(got)
				return slices.Equal(want, got)
			}
			assert.Eventually(t, func() bool {
				p, err := e.Policy(ctx)
				return err == nil && holds(p)
			}, reach, 10*time.Millisecond, "the engine holds the imported policy")
			decides("bob", "posts:write", true)
			decides("dave", "posts:write", false)

			r := in.run(t, "policy", "list", "--database", dsn)
			require.Equal(t, exitOK, r.code, r)
			listed, err := authz.ParsePolicy("list", r.stdout)
			require.NoError(t, err)
			assert.True(t, holds(listed), r)
		})
	}
}

// withDB keeps an engine's policy in db's default table.
func withDB(t *testing.T, db *gorm.DB) authz.Option {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return authz.WithStore(s)
}
