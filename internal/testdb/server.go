package testdb

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/database"
)

// Servers are the environment variables naming the database servers tests
// may run against; .ci/run sets those that answer.
var Servers = []string{"GATEHOUSE_TEST_POSTGRES", "GATEHOUSE_TEST_MYSQL"}

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
	dsn := os.Getenv(env)
	if dsn == "" {
		t.Skipf("%s is not set: no server to test against", env)
	}
	admin, err := database.Open(dsn)
	require.NoError(t, err)
	suffix := make([]byte, 6)
	_, err = rand.Read(suffix)
	require.NoError(t, err)
	name := "gatehouse_test_" + hex.EncodeToString(suffix)

	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	switch u.Scheme {
	case "postgres", "postgresql":
		require.NoError(t, admin.Exec("CREATE SCHEMA "+name).Error)
		q.Set("search_path", name)
	case "mysql":
		require.NoError(t, admin.Exec("CREATE DATABASE "+name).Error)
		u.Path = "/" + name
	default:
		t.Fatalf("%s: unsupported scheme %q", env, u.Scheme)
	}
	u.RawQuery = q.Encode()
	db, err := database.Open(u.String())
	require.NoError(t, err)
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
		if u.Scheme == "mysql" {
			_ = admin.Exec("DROP DATABASE IF EXISTS " + name).Error
		} else {
			_ = admin.Exec("DROP SCHEMA IF EXISTS " + name + " CASCADE").Error
		}
		if sqlDB, err := admin.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	return db, u.String()
}
