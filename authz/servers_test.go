package authz_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// serverDB opens the database server whose DSN is in env, or skips. The
// test gets a policy table of its own, dropped at the end, so runs and
// parallel tests do not meet.
func serverDB(t *testing.T, env string) (*gorm.DB, string) {
	t.Helper()
	dsn := os.Getenv(env)
	if dsn == "" {
		t.Skipf("%s is not set: no server to test against", env)
	}
	db, err := database.Open(dsn)
	require.NoError(t, err)
	suffix := make([]byte, 6)
	_, err = rand.Read(suffix)
	require.NoError(t, err)
	table := "policy_test_" + hex.EncodeToString(suffix)
	t.Cleanup(func() {
		_ = db.Exec("DROP TABLE IF EXISTS " + table).Error
		_ = db.Exec("DELETE FROM gatehouse_policy_seeds WHERE policy_table = ?", table).Error
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	})
	return db, table
}

// TestPolicyOnServers runs the persistence round trip on PostgreSQL and
// MySQL/MariaDB: every kind of edit, then a second engine on the same
// table, as a replica restarting would.
func TestPolicyOnServers(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"GATEHOUSE_TEST_POSTGRES", "GATEHOUSE_TEST_MYSQL"} {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, table := serverDB(t, env)
			e, err := authz.New(ctx, authz.WithDB(db), authz.WithTable(table))
			require.NoError(t, err)

			require.NoError(t, e.SetRoles(ctx, "bob", []string{"user", "suspended"}))
			require.NoError(t, e.AssignRole(ctx, "carol", "moderator"))
			require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "comments:write", Scope: permissions.Any}))
			require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "carol", Permission: "users:delete", Scope: permissions.Any, Effect: authz.Deny}))
			require.NoError(t, e.RemoveGrant(ctx, authz.Grant{Subject: "user", Permission: "posts:delete", Scope: permissions.Own}))
			require.NoError(t, e.UnassignRole(ctx, "bob", "suspended"))
			require.ErrorIs(t, e.AssignRole(ctx, "user", "carol"), authz.ErrCycle)

			want, err := e.Policy(ctx)
			require.NoError(t, err)
			replica, err := authz.New(ctx, authz.WithDB(db), authz.WithTable(table))
			require.NoError(t, err)
			got, err := replica.Policy(ctx)
			require.NoError(t, err)
			assert.Equal(t, want, got)
			assert.True(t, allowed(t, replica, "bob", "comments:write", ""))
			assert.False(t, allowed(t, replica, "bob", "posts:delete", "bob"))
			assert.False(t, allowed(t, replica, "carol", "users:delete", ""))
			assert.True(t, allowed(t, replica, "carol", "posts:delete", "bob"))
		})
	}
}
