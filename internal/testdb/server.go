package testdb

import (
	"crypto/rand"
	"encoding/hex"
	"io"
	"log"
	"net/url"
	"os"
	"sync"
	"testing"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/database"
)

// Servers are the environment variables naming the database servers tests
// may run against; .ci/run sets those that answer.
var Servers = []string{Postgres.env, MySQL.env}

// Server opens a database of its own on the server whose DSN is in env —
// a new PostgreSQL schema or a new MySQL database, dropped when the test
// ends — so that tests and runs never meet. It skips the test when env is
// not set.
func Server(t testing.TB, env string) *gorm.DB {
	t.Helper()
	db, _ := ServerDSN(t, env)
	return db
}

// ServerDSN is Server that also returns the DSN of the test's database, for
// a second connection pool or process on it.
func ServerDSN(t testing.TB, env string) (*gorm.DB, string) {
	t.Helper()
	for _, b := range Backends() {
		if b.IsServer() && b.env == env {
			d := b.New(t)
			return d.Open(t), d.DSN()
		}
	}
	t.Fatalf("%s names no server; want one of %v", env, Servers)
	return nil, ""
}

// newServerDatabase creates a database of the test's own on the server
// whose DSN is in env — a PostgreSQL schema or a MySQL database, dropped
// when the test ends — and returns its DSN.
func newServerDatabase(t testing.TB, env string) string {
	t.Helper()
	dsn := os.Getenv(env)
	admin := adminPool(t, env, dsn)
	suffix := make([]byte, 6)
	_, err := rand.Read(suffix)
	require.NoError(t, err)
	name := "gatehouse_test_" + hex.EncodeToString(suffix)

	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	var drop string
	switch u.Scheme {
	case "postgres", "postgresql":
		require.NoError(t, admin.Exec("CREATE SCHEMA "+name).Error)
		q.Set("search_path", name)
		drop = "DROP SCHEMA IF EXISTS " + name + " CASCADE"
	case "mysql":
		quietMySQL.Do(func() {
			// The driver logs every connection it finds broken, which the
			// tests of outages break on purpose.
			_ = mysqldriver.SetLogger(log.New(io.Discard, "", 0))
		})
		require.NoError(t, admin.Exec("CREATE DATABASE "+name).Error)
		u.Path = "/" + name
		drop = "DROP DATABASE IF EXISTS " + name
	default:
		t.Fatalf("%s: unsupported scheme %q", env, u.Scheme)
	}
	u.RawQuery = q.Encode()
	// Registered before any Open, so it runs after every pool on the
	// database has been closed.
	t.Cleanup(func() { _ = admin.Exec(drop).Error })
	return u.String()
}

var quietMySQL sync.Once

// admins are the pools that create and drop the tests' databases, one per
// server, shared by every test of the process and left for its exit to
// close: a test's cleanup still needs one after the test is over.
var (
	adminsMu sync.Mutex
	admins   = map[string]*gorm.DB{}
)

func adminPool(t testing.TB, env, dsn string) *gorm.DB {
	t.Helper()
	adminsMu.Lock()
	defer adminsMu.Unlock()
	if db, ok := admins[env]; ok {
		return db
	}
	db, err := database.Open(dsn)
	require.NoError(t, err, "%s", env)
	admins[env] = db
	return db
}
