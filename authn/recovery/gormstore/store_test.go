package gormstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/recovery/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestConformance runs the store suite on SQLite, and on PostgreSQL and
// MySQL/MariaDB when GATEHOUSE_TEST_POSTGRES and GATEHOUSE_TEST_MYSQL name
// servers. Each case gets a database of its own; each handle on it is a
// connection pool of its own, as another process would have.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open {
			database := b.New(t)
			return func(t *testing.T) recovery.Store { return open(t, database.Open(t)) }
		})
	})
}

func open(t *testing.T, db *gorm.DB) *gormstore.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return s
}
