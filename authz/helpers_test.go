package authz_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
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

// tempDBPath returns a path for a new SQLite file in the test's directory.
func tempDBPath(t *testing.T) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "policy.db")
}

// newEngine builds an in-memory engine on the default model and policy with
// bob holding user, carol moderator and alice admin.
func newEngine(t *testing.T, opts ...authz.Option) *authz.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := authz.New(ctx, opts...)
	require.NoError(t, err)
	require.NoError(t, e.AssignRole(ctx, "bob", "user"))
	require.NoError(t, e.AssignRole(ctx, "carol", "moderator"))
	require.NoError(t, e.AssignRole(ctx, "alice", "admin"))
	return e
}

// allowed decides subject doing perm on a resource owned by owner and fails
// the test on error.
func allowed(t *testing.T, e *authz.Engine, subject string, perm permissions.Permission, owner string) bool {
	t.Helper()
	d, err := e.Decide(context.Background(), authz.Request{
		Subject: subject, Permission: perm, Resource: authz.Resource{Owner: owner},
	})
	require.NoError(t, err)
	return d.Allowed
}

// defaultModelText is the embedded model, for tests that vary it.
func defaultModelText() string { return gatehouse.DefaultModel() }
