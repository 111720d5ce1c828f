package apikey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// fixture is a store on a fresh database with a fake clock; database lets
// a test open it again as a restarted process would.
type fixture struct {
	store    *apikey.Store
	db       *gorm.DB
	clock    *authntest.Clock
	database testdb.Database
}

// newFixture builds a store on a new SQLite file.
func newFixture(t *testing.T) fixture {
	t.Helper()
	return newFixtureOn(t, testdb.SQLite)
}

// newFixtureOn builds a store on a new database of backend b.
func newFixtureOn(t *testing.T, b testdb.Backend) fixture {
	t.Helper()
	database := b.New(t)
	db := database.Open(t)
	clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
	store, err := apikey.New(context.Background(), db, apikey.Config{Now: clock.Now})
	require.NoError(t, err)
	return fixture{store: store, db: db, clock: clock, database: database}
}

// create makes a key for owner that does not expire.
func (f fixture) create(t *testing.T, owner, name string) (apikey.Key, string) {
	t.Helper()
	key, secret, err := f.store.Create(context.Background(), owner, name, nil)
	require.NoError(t, err)
	return key, secret.Reveal()
}

// row reads the stored row of key id as column → value.
func (f fixture) row(t *testing.T, id string) map[string]any {
	t.Helper()
	var rows []map[string]any
	require.NoError(t, f.db.Raw("SELECT * FROM gatehouse_api_keys WHERE id = ?", id).Scan(&rows).Error)
	require.Len(t, rows, 1)
	return rows[0]
}

func ptr[T any](v T) *T { return &v }
