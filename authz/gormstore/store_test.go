package gormstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/authz/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// tables numbers the tables of one database the suite's cases use.
var tables atomic.Int64

// TestConformance runs the Store suite on every database at hand: SQLite
// always, PostgreSQL and MariaDB when their servers are configured. Each
// case gets a database of its own on SQLite and a table of its own on the
// servers; each handle is a new connection pool, as another process has.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open {
			store := b.New(t)
			table := fmt.Sprintf("policy_%d", tables.Add(1))
			return func(t *testing.T) authz.Store {
				s, err := gormstore.New(context.Background(), store.Open(t), gormstore.WithTable(table))
				require.NoError(t, err)
				return s
			}
		})
	})
}
