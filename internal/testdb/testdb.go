package testdb

import (
	"path/filepath"
	"testing"

	"github.com/glebarez/sqlite"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// busyTimeout makes a connection wait up to 30 s for another's write lock,
// and begin its transactions with the write lock, as database.Open's do
// (which wait 5 s: tests race dozens of writers on a loaded machine, under
// the race detector, and must not fail for want of patience):
// the stores' tests race goroutines, and restarted stores, on one file,
// and a transaction that begins reading and then writes can meet another
// writer that SQLite answers "database is locked" at once, without waiting.
const busyTimeout = "?_pragma=busy_timeout(30000)&_txlock=immediate"

// Path returns the path of a new SQLite file in the test's own temporary
// directory, for tests that open it more than once.
func Path(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "gatehouse.db")
}

// Open opens a new SQLite database in the test's temporary directory and
// closes it when the test ends.
func Open(t testing.TB) *gorm.DB {
	t.Helper()
	return OpenFile(t, Path(t))
}

// OpenFile opens the SQLite database at path, creating it if needed, and
// closes this connection pool when the test ends. Tests open one path twice
// to show that a store finds its data again after a restart.
func OpenFile(t testing.TB, path string) *gorm.DB {
	t.Helper()
	return OpenWith(t, path, nil)
}

// OpenWith is OpenFile with a GORM configuration of the test's choosing,
// such as TranslateError; nil means the default. Its logger is always
// silenced, and cfg itself is not modified.
func OpenWith(t testing.TB, path string, cfg *gorm.Config) *gorm.DB {
	t.Helper()
	var c gorm.Config
	if cfg != nil {
		c = *cfg
	}
	c.Logger = logger.Default.LogMode(logger.Silent)
	db, err := gorm.Open(sqlite.Open(path+busyTimeout), &c)
	require.NoError(t, err, "open %s", path)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}
