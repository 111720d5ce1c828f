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
				s, err := gormstore.New(context.Background(), database.Open(t))
				require.NoError(t, err)
				return s
			}
		})
	})
}
