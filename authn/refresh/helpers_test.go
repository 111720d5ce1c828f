package refresh_test

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

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// table is the store's table, which tests read directly.
const table = "gatehouse_refresh_tokens"

// start is the fake clock's first reading, a whole second so that stored
// times compare equal after a round trip through the database.
var start = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a fake time source that only moves when told to.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: start} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// openDB opens (creating if needed) the SQLite database at path and closes
// it when the test ends.
func openDB(t *testing.T, path string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(sqlite.Open(path+"?_busy_timeout=5000"), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

// tempDB opens a new SQLite database in the test's directory.
func tempDB(t *testing.T) *gorm.DB {
	t.Helper()
	return openDB(t, filepath.Join(t.TempDir(), "refresh.db"))
}

// fixture is a Store on a fresh database with a fake clock.
type fixture struct {
	store *refresh.Store
	db    *gorm.DB
	clock *clock
}

// newFixture builds a Store from cfg, whose Now it replaces with a fake
// clock.
func newFixture(t *testing.T, cfg refresh.Config) fixture {
	t.Helper()
	c := newClock()
	cfg.Now = c.Now
	db := tempDB(t)
	s, err := refresh.New(context.Background(), db, cfg)
	require.NoError(t, err)
	return fixture{store: s, db: db, clock: c}
}

// issue issues a token to subject and fails the test on error.
func (f fixture) issue(t *testing.T, subject string) refresh.Token {
	t.Helper()
	tok, err := f.store.Issue(context.Background(), subject)
	require.NoError(t, err)
	return tok
}

// rotate rotates tok and fails the test on error.
func (f fixture) rotate(t *testing.T, tok refresh.Token) refresh.Token {
	t.Helper()
	next, err := f.store.Rotate(context.Background(), tok.Value.Reveal())
	require.NoError(t, err)
	return next
}

// rows counts the stored tokens that match a condition.
func (f fixture) rows(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var n int64
	require.NoError(t, f.db.Table(table).Where(query, args...).Count(&n).Error)
	return n
}
