package gormstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/authn/purpose/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/purpose/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestConformance runs the suite on SQLite, and on PostgreSQL and MariaDB
// when their servers are configured; each handle is a new connection pool,
// as another process has.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open {
			database := b.New(t)
			return func(t *testing.T) purpose.Store {
				s, err := gormstore.New(context.Background(), database.Open(t))
				require.NoError(t, err)
				return s
			}
		})
	})
}

func TestNewRefusesANilDB(t *testing.T) {
	_, err := gormstore.New(context.Background(), nil)
	require.ErrorIs(t, err, purpose.ErrInvalidConfig)
}
