package authz_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func TestRolesAreTransitive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	tests := []struct {
		subject  string
		roles    []string
		assigned []string
	}{
		{"alice", []string{"admin", "moderator", "user"}, []string{"admin"}},
		{"carol", []string{"moderator", "user"}, []string{"moderator"}},
		{"bob", []string{"user"}, []string{"user"}},
		{"mallory", []string{}, []string{}},
		{"admin", []string{"moderator", "user"}, []string{"moderator"}},
	}
	for _, tt := range tests {
		roles, err := e.Roles(ctx, tt.subject)
		require.NoError(t, err)
		assert.Equal(t, tt.roles, roles, tt.subject)
		assigned, err := e.AssignedRoles(ctx, tt.subject)
		require.NoError(t, err)
		assert.Equal(t, tt.assigned, assigned, tt.subject)
	}
	_, err := e.Roles(ctx, "")
	assert.ErrorIs(t, err, authz.ErrInvalidSubject)
}

func TestMembers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	require.NoError(t, e.AssignRole(ctx, "dave", "user"))
	members, err := e.Members(ctx, "user")
	require.NoError(t, err)
	assert.Equal(t, []string{"bob", "dave", "moderator"}, members)
	members, err = e.Members(ctx, "nobody")
	require.NoError(t, err)
	assert.Empty(t, members)
}

func TestPermissionsIncludeInheritedGrantsAndDenies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	require.NoError(t, e.SetRoles(ctx, "dave", []string{"user", "suspended"}))
	require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "dave", Permission: "reports:read", Scope: permissions.Own}))

	grants, err := e.Permissions(ctx, "dave")
	require.NoError(t, err)
	var lines []string
	for _, g := range grants {
		lines = append(lines, g.String())
	}
	assert.Equal(t, []string{
		"p, user, posts:read, own, allow",
		"p, user, posts:write, any, allow",
		"p, user, posts:update, own, allow",
		"p, user, posts:delete, own, allow",
		"p, user, posts:share, own, allow",
		"p, user, posts:audit, own, allow",
		"p, suspended, posts:write, any, deny",
		"p, suspended, posts:update, any, deny",
		"p, suspended, posts:share, any, deny",
		"p, dave, reports:read, own, allow",
	}, lines, "policy order, denies included")

	grants, err = e.Permissions(ctx, "alice")
	require.NoError(t, err)
	assert.Len(t, grants, 13, "admin's, moderator's and user's grants")

	grants, err = e.Permissions(ctx, "mallory")
	require.NoError(t, err)
	assert.Empty(t, grants)
}

func TestQueriesHonourContext(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := e.Roles(ctx, "bob")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = e.Permissions(ctx, "bob")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = e.Policy(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = e.Members(ctx, "user")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = e.AssignedRoles(ctx, "bob")
	assert.ErrorIs(t, err, context.Canceled)
}

func TestIsRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, opts := range [][]authz.Option{nil, {authz.WithModel(strings.Replace(defaultModelText(), "m = ", `m = r.sub == "root" || `, 1))}} {
		e := newEngine(t, opts...)
		for name, want := range map[string]bool{"user": true, "moderator": true, "admin": true, "bob": false, "nobody": false} {
			got, err := e.IsRole(ctx, name)
			require.NoError(t, err)
			assert.Equal(t, want, got, name)
		}
		require.NoError(t, e.AssignRole(ctx, "dave", "editor"))
		held, err := e.IsRole(ctx, "editor")
		require.NoError(t, err)
		assert.True(t, held, "a role becomes one when it is first held")
		require.NoError(t, e.UnassignRole(ctx, "dave", "editor"))
		held, err = e.IsRole(ctx, "editor")
		require.NoError(t, err)
		assert.False(t, held, "and stops when nobody holds it")
		_, err = e.IsRole(ctx, "bad,name")
		assert.ErrorIs(t, err, authz.ErrInvalidSubject)
	}
}
