package authz_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// TestPolicyOnServers runs the persistence round trip on PostgreSQL and
// MySQL/MariaDB, each in a database of its own: every kind of edit, then a
// second engine on the same store, as a replica starting would.
func TestPolicyOnServers(t *testing.T) {
	t.Parallel()
	for _, env := range testdb.Servers {
		t.Run(env, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := testdb.Server(t, env)
			e, err := authz.New(ctx, authz.WithDB(db))
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
			replica, err := authz.New(ctx, authz.WithDB(db))
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
