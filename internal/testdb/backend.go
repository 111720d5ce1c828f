package testdb

import (
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/database"
)

// Backend is a kind of database a store's tests run on: SQLite, which is
// always there, or a server whose DSN is in an environment variable (see
// Servers).
type Backend struct {
	name string
	env  string // the variable holding the server's DSN; "" for SQLite
}

// The backends the stores are tested on.
var (
	// SQLite is a file in the test's temporary directory.
	SQLite = Backend{name: "sqlite"}
	// Postgres is the PostgreSQL server of GATEHOUSE_TEST_POSTGRES.
	Postgres = Backend{name: "postgres", env: "GATEHOUSE_TEST_POSTGRES"}
	// MySQL is the MySQL or MariaDB server of GATEHOUSE_TEST_MYSQL.
	MySQL = Backend{name: "mysql", env: "GATEHOUSE_TEST_MYSQL"}
)

// Backends returns SQLite and every server, configured or not: Each shows
// an unconfigured server as a skipped subtest rather than leaving it out
// silently.
func Backends() []Backend { return []Backend{SQLite, Postgres, MySQL} }

// Each runs run once per backend, each in a subtest named after it
// ("sqlite", "postgres", "mysql"), and returns when all are done. A server
// whose environment variable is not set is a skipped subtest that says so.
//
// The subtests run at the same time, from goroutines of their own rather
// than as parallel subtests: a test waiting on a server keeps no CPU busy,
// so they need not queue for go test's -parallel slots, which are as many
// as the CPUs. The calling test, parallel or not, holds one slot for all
// three.
func Each(t *testing.T, run func(t *testing.T, b Backend)) {
	t.Helper()
	Concurrently(t, Backends(), Backend.Name, func(t *testing.T, b Backend) {
		b.SkipUnlessConfigured(t)
		run(t, b)
	})
}

// Concurrently runs run once per item, each in a subtest named by name,
// from goroutines of their own as Each runs its backends, and returns when
// all are done: for suites that run on a package's own list of stores
// (memory, GORM on every backend, Redis).
func Concurrently[I any](t *testing.T, items []I, name func(I) string, run func(t *testing.T, item I)) {
	t.Helper()
	var wg sync.WaitGroup
	for _, item := range items {
		wg.Go(func() {
			t.Run(name(item), func(t *testing.T) { run(t, item) })
		})
	}
	wg.Wait()
}

// Name returns "sqlite", "postgres" or "mysql".
func (b Backend) Name() string { return b.name }

// String returns the backend's name.
func (b Backend) String() string { return b.name }

// IsServer reports whether b is a database server rather than SQLite.
func (b Backend) IsServer() bool { return b.env != "" }

// Open opens a new, empty database of the test's own on b and closes it
// when the test ends: New(t).Open(t).
func (b Backend) Open(t testing.TB) *gorm.DB {
	t.Helper()
	return b.New(t).Open(t)
}

// New creates a new, empty database of the test's own on b: a file for
// SQLite; a PostgreSQL schema or a MySQL database for a server, dropped
// when the test ends, so that tests and runs never meet. Open it as often
// as the test needs. It skips the test when b is a server whose variable
// is not set.
func (b Backend) New(t testing.TB) Database {
	t.Helper()
	if !b.IsServer() {
		return Database{backend: b, path: Path(t)}
	}
	b.SkipUnlessConfigured(t)
	return Database{backend: b, dsn: newServerDatabase(t, b.env)}
}

// SkipUnlessConfigured skips the test, saying why, when b is a server
// whose environment variable is not set.
func (b Backend) SkipUnlessConfigured(t testing.TB) {
	t.Helper()
	if b.IsServer() && os.Getenv(b.env) == "" {
		t.Skipf("%s is not set: no %s server to test against", b.env, b.name)
	}
}

// Database is a database of one test's own on a Backend. Each Open is a
// new connection pool on it, as a restarted process or another replica
// would have.
type Database struct {
	backend Backend
	path    string // SQLite
	dsn     string // a server
}

// Backend returns the backend the database is on.
func (d Database) Backend() Backend { return d.backend }

// DSN returns the database's DSN in the form package database opens
// ("sqlite:PATH", "postgres://…", "mysql://…").
func (d Database) DSN() string {
	if d.backend.IsServer() {
		return d.dsn
	}
	return "sqlite:" + d.path
}

// Open opens a new connection pool on the database and closes it when the
// test ends. SQLite is opened as OpenFile opens it; a server as
// database.Open opens it, with GORM's error translation on.
func (d Database) Open(t testing.TB) *gorm.DB {
	t.Helper()
	if !d.backend.IsServer() {
		return OpenFile(t, d.path)
	}
	return d.OpenWith(t, &gorm.Config{TranslateError: true})
}

// OpenWith is Open with a GORM configuration of the test's choosing; nil
// means GORM's default. Its logger is always silenced, and cfg itself is
// not modified.
func (d Database) OpenWith(t testing.TB, cfg *gorm.Config) *gorm.DB {
	t.Helper()
	if !d.backend.IsServer() {
		return OpenWith(t, d.path, cfg)
	}
	var c gorm.Config
	if cfg != nil {
		c = *cfg
	}
	c.Logger = logger.Default.LogMode(logger.Silent)
	dialector, err := database.Dialector(d.dsn)
	require.NoError(t, err)
	db, err := gorm.Open(dialector, &c)
	require.NoError(t, err, "open %s", database.Redact(d.dsn))
	sqlDB, err := db.DB()
	require.NoError(t, err)
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}
