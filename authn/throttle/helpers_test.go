package throttle_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
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

// fixture is a limiter on a fresh SQLite file with a fake clock.
type fixture struct {
	limiter *throttle.Limiter
	db      *gorm.DB
	clock   *fakeClock
	path    string
}

// newFixture builds a limiter from cfg, with the fixture's clock.
func newFixture(t *testing.T, cfg throttle.Config) fixture {
	t.Helper()
	path := filepath.Join(t.TempDir(), "throttle.db")
	db := openSQLite(t, path)
	clock := newClock()
	cfg.Now = clock.Now
	limiter, err := throttle.New(context.Background(), db, cfg)
	require.NoError(t, err)
	return fixture{limiter: limiter, db: db, clock: clock, path: path}
}

// fail records n failures of account from address.
func (f fixture) fail(t *testing.T, n int, account, address string) {
	t.Helper()
	for i := 0; i < n; i++ {
		require.NoError(t, f.limiter.RecordFailure(context.Background(), account, address))
	}
}

// retryAfter returns the RetryAfter of Check's refusal, or 0 when Check
// allows the attempt; it fails the test on any other error.
func (f fixture) retryAfter(t *testing.T, account, address string) time.Duration {
	t.Helper()
	err := f.limiter.Check(context.Background(), account, address)
	if err == nil {
		return 0
	}
	var throttled *authn.ThrottledError
	require.True(t, errors.As(err, &throttled), "Check returned %v", err)
	require.ErrorIs(t, err, authn.ErrThrottled)
	return throttled.RetryAfter
}

// rows counts the stored failures.
func (f fixture) rows(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, f.db.Table("gatehouse_login_failures").Count(&n).Error)
	return n
}
