package gormstore_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/token/revocationtest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/watch"
)

// reload is the suite's Sync: a Store catches up with its peers on Reload.
func reload(t *testing.T, r token.Revocations) {
	t.Helper()
	require.NoError(t, r.(*gormstore.Store).Reload(context.Background()))
}

// TestConformance runs the suite on every database at hand: SQLite always,
// PostgreSQL and MariaDB when their servers are configured. Each case gets
// a database of its own, and each handle is a new Store on a new
// connection pool, as another process has; a handle catches up on Reload.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		revocationtest.Run(t, func(t *testing.T, now func() time.Time) revocationtest.Backend {
			database := b.New(t)
			return revocationtest.Backend{
				Open: func(t *testing.T) token.Revocations {
					s, err := gormstore.New(context.Background(), database.Open(t), gormstore.Config{Now: now})
					require.NoError(t, err)
					return s
				},
				Sync: reload,
			}
		})
	})
}

// TestConformanceFollowingPeers runs the suite on replicas that also
// follow each other through a shared notifier, so that peers' messages
// arrive while the suite works.
func TestConformanceFollowingPeers(t *testing.T) {
	t.Parallel()
	revocationtest.Run(t, func(t *testing.T, now func() time.Time) revocationtest.Backend {
		database := testdb.SQLite.New(t)
		n := watch.NewLocal()
		t.Cleanup(func() { _ = n.Close() })
		return revocationtest.Backend{
			Open: func(t *testing.T) token.Revocations {
				s, err := gormstore.New(context.Background(), database.Open(t), gormstore.Config{
					Now: now, Notifier: n, SyncInterval: time.Hour, Logger: slog.New(slog.DiscardHandler),
				})
				require.NoError(t, err)
				t.Cleanup(s.Close)
				return s
			},
			Sync: reload,
		}
	})
}

// BenchmarkVerify verifies tokens against a Store on SQLite: answered
// from memory.
func BenchmarkVerify(b *testing.B) {
	s, err := gormstore.New(context.Background(), testdb.Open(b), gormstore.Config{})
	require.NoError(b, err)
	revocationtest.BenchmarkVerify(b, s)
}
