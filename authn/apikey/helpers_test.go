package apikey_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// openSQLite opens (creating if needed) the SQLite database at path and
// closes it when the test ends.
func openSQLite(t *testing.T, path string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(path+"?_busy_timeout=5000"), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

// fakeClock is a clock that moves only when told to.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *fakeClock {
	return &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is a store on a fresh SQLite file with a fake clock.
type fixture struct {
	store *apikey.Store
	db    *gorm.DB
	clock *fakeClock
	path  string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "keys.db")
	db := openSQLite(t, path)
	clock := newClock()
	store, err := apikey.New(context.Background(), db, apikey.Config{Now: clock.Now})
	require.NoError(t, err)
	return fixture{store: store, db: db, clock: clock, path: path}
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
