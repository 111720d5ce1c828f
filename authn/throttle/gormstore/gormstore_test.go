package gormstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestConformance runs the conformance suite on SQLite, and on PostgreSQL
// and MySQL/MariaDB when their DSNs are set: a new database per test, and
// a new connection pool on it per handle, as each process has its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open {
			database := b.New(t)
			return func(t *testing.T) throttle.Store {
				db := database.Open(t)
				// The racing cases send 40 attempts at once through two
				// handles, two cases at a time, beside other packages'
				// tests on the same server: a pool of its own for each
				// handle, bounded, keeps them all under the server's
				// connection limit. Attempts still race, across handles
				// and within each, for the keys' row locks.
				sqlDB, err := db.DB()
				require.NoError(t, err)
				sqlDB.SetMaxOpenConns(8)
				s, err := gormstore.New(context.Background(), db)
				require.NoError(t, err)
				return s
			}
		})
	})
}
