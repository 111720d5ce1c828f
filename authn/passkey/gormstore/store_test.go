package gormstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/passkey/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/passkey/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

var bg = context.Background()

// TestConformance runs both suites on SQLite, and on PostgreSQL and
// MySQL/MariaDB when GATEHOUSE_TEST_POSTGRES and GATEHOUSE_TEST_MYSQL name
// servers; each handle is a connection pool of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open[passkey.Store] {
			database := b.New(t)
			return func(t *testing.T) passkey.Store {
				s, err := gormstore.New(bg, database.Open(t))
				require.NoError(t, err)
				return s
			}
		})
		storetest.RunChallenges(t, func(t *testing.T) storetest.Open[passkey.ChallengeStore] {
			database := b.New(t)
			return func(t *testing.T) passkey.ChallengeStore {
				s, err := gormstore.NewChallenges(bg, database.Open(t))
				require.NoError(t, err)
				return s
			}
		})
	})
}

func TestNewRefusesNilDB(t *testing.T) {
	t.Parallel()
	_, err := gormstore.New(bg, nil)
	assert.ErrorIs(t, err, passkey.ErrConfig)
	_, err = gormstore.NewChallenges(bg, nil)
	assert.ErrorIs(t, err, passkey.ErrConfig)
}
