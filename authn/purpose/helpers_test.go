package purpose_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
)

// Test keys, one per purpose, as the package asks.
var (
	resetKey  = bytes.Repeat([]byte("r"), purpose.MinKeyLength)
	verifyKey = bytes.Repeat([]byte("v"), purpose.MinKeyLength)
)

const issuer = "https://gatehouse.test"

// start is the fake clock's initial time, away from any second boundary so
// that truncation to whole seconds shows.
var start = time.Date(2030, 5, 1, 12, 0, 0, 400_000_000, time.UTC)

// clock is a settable time source for Config.Now.
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

// newDB opens a new SQLite database in the test's directory.
func newDB(t *testing.T) *gorm.DB {
	t.Helper()
	return openSQLite(t, filepath.Join(t.TempDir(), "x.db"))
}

// newTokens builds Tokens for purpose p on db with the purpose's test key
// and clock c.
func newTokens(t *testing.T, db *gorm.DB, p string, c *clock) *purpose.Tokens {
	t.Helper()
	key := verifyKey
	if p == purpose.PasswordReset {
		key = resetKey
	}
	tokens, err := purpose.New(context.Background(), db, purpose.Config{Purpose: p, Key: key, Issuer: issuer, Now: c.Now})
	require.NoError(t, err)
	return tokens
}

// fixed returns a binding function that always returns v, and counts its
// calls.
func fixed(v string, calls *int) func(context.Context, string) (string, error) {
	return func(context.Context, string) (string, error) {
		if calls != nil {
			*calls++
		}
		return v, nil
	}
}
