package authz_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func TestAddAndRemoveGrant(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	g := authz.Grant{Subject: "user", Permission: "comments:write", Scope: permissions.Any}

	assert.False(t, allowed(t, e, "bob", "comments:write", ""))
	require.NoError(t, e.AddGrant(ctx, g))
	assert.True(t, allowed(t, e, "bob", "comments:write", ""), "the next decision sees the grant")
	assert.ErrorIs(t, e.AddGrant(ctx, g), authz.ErrExists)

	withEffect := g
	withEffect.Effect = authz.Allow
	assert.ErrorIs(t, e.AddGrant(ctx, withEffect), authz.ErrExists, "the zero effect is allow")

	require.NoError(t, e.RemoveGrant(ctx, g))
	assert.False(t, allowed(t, e, "bob", "comments:write", ""), "the next decision sees the removal")
	assert.ErrorIs(t, e.RemoveGrant(ctx, g), authz.ErrNotFound)
}

func TestGrantToASubjectDirectly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "key:ci", Permission: "posts:read", Scope: permissions.Any}))
	assert.True(t, allowed(t, e, "key:ci", "posts:read", "bob"))
	assert.False(t, allowed(t, e, "key:ci", "posts:write", ""))
}

func TestDenyOverridesAndCanBeLifted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	deny := authz.Grant{Subject: "alice", Permission: "users:delete", Scope: permissions.Any, Effect: authz.Deny}

	require.True(t, allowed(t, e, "alice", "users:delete", "bob"))
	require.NoError(t, e.AddGrant(ctx, deny))
	assert.False(t, allowed(t, e, "alice", "users:delete", "bob"), "a deny on the subject beats the admin role's wildcard")
	assert.True(t, allowed(t, e, "alice", "users:write", "bob"), "the deny is for one permission")

	ownDeny := authz.Grant{Subject: "user", Permission: "posts:delete", Scope: permissions.Own, Effect: authz.Deny}
	require.NoError(t, e.AddGrant(ctx, ownDeny))
	assert.False(t, allowed(t, e, "bob", "posts:delete", "bob"))
	assert.True(t, allowed(t, e, "carol", "posts:delete", "bob"), "a deny scoped own leaves others' resources alone")
	assert.False(t, allowed(t, e, "carol", "posts:delete", "carol"))

	require.NoError(t, e.RemoveGrant(ctx, deny))
	require.NoError(t, e.RemoveGrant(ctx, ownDeny))
	assert.True(t, allowed(t, e, "alice", "users:delete", "bob"))
	assert.True(t, allowed(t, e, "bob", "posts:delete", "bob"))
}

func TestEditsRejectMalformedInputAndChangeNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	before, err := e.Policy(ctx)
	require.NoError(t, err)

	tests := []struct {
		name string
		edit func() error
		want error
	}{
		{"grant with empty subject", func() error {
			return e.AddGrant(ctx, authz.Grant{Permission: "posts:read", Scope: permissions.Any})
		}, authz.ErrInvalidSubject},
		{"grant with malformed permission", func() error {
			return e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "posts", Scope: permissions.Any})
		}, permissions.ErrInvalidPermission},
		{"grant with spaces in permission", func() error {
			return e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "posts :read", Scope: permissions.Any})
		}, permissions.ErrInvalidPermission},
		{"grant with unknown scope", func() error {
			return e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "posts:read", Scope: "everything"})
		}, permissions.ErrInvalidScope},
		{"grant with empty scope", func() error {
			return e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "posts:read"})
		}, permissions.ErrInvalidScope},
		{"grant with unknown effect", func() error {
			return e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "posts:read", Scope: permissions.Any, Effect: "maybe"})
		}, authz.ErrInvalidEffect},
		{"revoke with malformed permission", func() error {
			return e.RemoveGrant(ctx, authz.Grant{Subject: "user", Permission: "posts:read:x", Scope: permissions.Own})
		}, permissions.ErrInvalidPermission},
		{"assign to empty subject", func() error { return e.AssignRole(ctx, "", "user") }, authz.ErrInvalidSubject},
		{"assign empty role", func() error { return e.AssignRole(ctx, "bob", "") }, authz.ErrInvalidSubject},
		{"assign role with a comma", func() error { return e.AssignRole(ctx, "bob", "user,admin") }, authz.ErrInvalidSubject},
		{"assign role with a quote", func() error { return e.AssignRole(ctx, "bob", `admin"`) }, authz.ErrInvalidSubject},
		{"assign role to itself", func() error { return e.AssignRole(ctx, "user", "user") }, authz.ErrCycle},
		{"unassign from empty subject", func() error { return e.UnassignRole(ctx, "", "user") }, authz.ErrInvalidSubject},
		{"set roles with a bad one", func() error { return e.SetRoles(ctx, "bob", []string{"moderator", " admin"}) }, authz.ErrInvalidSubject},
		{"set roles of empty subject", func() error { return e.SetRoles(ctx, "", []string{"user"}) }, authz.ErrInvalidSubject},
		{"remove empty subject", func() error { return e.RemoveSubject(ctx, "") }, authz.ErrInvalidSubject},
	}
	// Names that display like another name, or like nothing.
	for _, name := range []string{
		"user\u200b",      // zero-width space
		"us\u00ader",      // soft hyphen
		"a\u2028b",        // line separator
		"a\u2029b",        // paragraph separator
		"\u2060user",      // word joiner
		"user\ufe0f",      // variation selector
		"user\u202eadmin", // right-to-left override
		"us\u00a0er",      // no-break space
		"ｕser",            // fullwidth: NFKC makes it "user"
		"cafe\u0301",      // decomposed: NFKC composes it
		"\ufb01le",        // a ligature
	} {
		tests = append(tests, struct {
			name string
			edit func() error
			want error
		}{fmt.Sprintf("assign role %+q", name), func() error { return e.AssignRole(ctx, "bob", name) }, authz.ErrInvalidSubject},
			struct {
				name string
				edit func() error
				want error
			}{fmt.Sprintf("grant to %+q", name), func() error {
				return e.AddGrant(ctx, authz.Grant{Subject: name, Permission: "posts:read", Scope: permissions.Any})
			}, authz.ErrInvalidSubject})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.edit(), tt.want)
			after, err := e.Policy(ctx)
			require.NoError(t, err)
			assert.Equal(t, before, after, "a refused edit changes nothing")
		})
	}
}

func TestAssignAndUnassignRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)

	assert.False(t, allowed(t, e, "bob", "users:read", ""))
	require.NoError(t, e.AssignRole(ctx, "bob", "moderator"))
	assert.True(t, allowed(t, e, "bob", "users:read", ""), "the next decision sees the new role")
	assert.ErrorIs(t, e.AssignRole(ctx, "bob", "moderator"), authz.ErrExists)

	require.NoError(t, e.UnassignRole(ctx, "bob", "moderator"))
	assert.False(t, allowed(t, e, "bob", "users:read", ""), "the next decision sees the removal")
	assert.True(t, allowed(t, e, "bob", "posts:write", ""), "bob's other role is untouched")
	assert.ErrorIs(t, e.UnassignRole(ctx, "bob", "moderator"), authz.ErrNotFound)
	assert.ErrorIs(t, e.UnassignRole(ctx, "carol", "user"), authz.ErrNotFound, "an inherited role is not a direct assignment")
}

func TestInheritance(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)

	require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "auditor", Permission: "policy:read", Scope: permissions.Any}))
	require.NoError(t, e.AddInheritance(ctx, "moderator", "auditor"))
	assert.True(t, allowed(t, e, "carol", "policy:read", ""), "carol inherits through moderator")
	assert.True(t, allowed(t, e, "alice", "policy:read", ""), "alice through admin, then moderator")
	assert.False(t, allowed(t, e, "bob", "policy:read", ""))

	assert.ErrorIs(t, e.AddInheritance(ctx, "user", "admin"), authz.ErrCycle, "admin already inherits user")
	assert.ErrorIs(t, e.AddInheritance(ctx, "auditor", "moderator"), authz.ErrCycle)
	assert.ErrorIs(t, e.AssignRole(ctx, "user", "bob"), authz.ErrCycle, "bob holds user, so user cannot hold bob")

	require.NoError(t, e.RemoveInheritance(ctx, "moderator", "auditor"))
	assert.False(t, allowed(t, e, "carol", "policy:read", ""))
	assert.ErrorIs(t, e.RemoveInheritance(ctx, "moderator", "auditor"), authz.ErrNotFound)
}

func TestInheritanceDepthIsBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := authz.New(ctx, authz.WithPolicy("p, r0, reports:read, any, allow"))
	require.NoError(t, err)

	// r10 holds r9 ... r1 holds r0: a chain of 10 assignments, the most
	// decisions follow.
	for i := 1; i <= authz.MaxRoleDepth; i++ {
		require.NoError(t, e.AddInheritance(ctx, fmt.Sprintf("r%d", i), fmt.Sprintf("r%d", i-1)))
	}
	assert.True(t, allowed(t, e, fmt.Sprintf("r%d", authz.MaxRoleDepth), "reports:read", ""))

	err = e.AssignRole(ctx, "zoe", fmt.Sprintf("r%d", authz.MaxRoleDepth))
	require.ErrorIs(t, err, authz.ErrTooDeep, "zoe would be 11 assignments away from r0")
	assert.False(t, allowed(t, e, "zoe", "reports:read", ""))
	err = e.AddInheritance(ctx, "r0", "base")
	assert.ErrorIs(t, err, authz.ErrTooDeep, "extending the chain at the top is refused too")

	require.NoError(t, e.AssignRole(ctx, "zoe", "r9"))
	assert.True(t, allowed(t, e, "zoe", "reports:read", ""))
	roles, err := e.Roles(ctx, "zoe")
	require.NoError(t, err)
	assert.Len(t, roles, 10, "Roles reports exactly what decisions honour")
}

func TestSetRoles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)

	require.NoError(t, e.SetRoles(ctx, "bob", []string{"moderator", "suspended", "moderator"}))
	roles, err := e.AssignedRoles(ctx, "bob")
	require.NoError(t, err)
	assert.Equal(t, []string{"moderator", "suspended"}, roles, "user is replaced, the duplicate ignored")
	assert.True(t, allowed(t, e, "bob", "users:read", ""))
	assert.False(t, allowed(t, e, "bob", "posts:write", ""))

	err = e.SetRoles(ctx, "moderator", []string{"admin"})
	require.ErrorIs(t, err, authz.ErrCycle)
	roles, err = e.AssignedRoles(ctx, "moderator")
	require.NoError(t, err)
	assert.Equal(t, []string{"user"}, roles, "a refused SetRoles changes nothing")

	require.NoError(t, e.SetRoles(ctx, "bob", nil))
	roles, err = e.AssignedRoles(ctx, "bob")
	require.NoError(t, err)
	assert.Empty(t, roles)
	assert.False(t, allowed(t, e, "bob", "posts:read", "bob"))
	require.NoError(t, e.SetRoles(ctx, "bob", nil), "setting the same roles again is no edit and no error")
}

func TestRemoveSubject(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "bob", Permission: "reports:read", Scope: permissions.Any}))
	require.NoError(t, e.AssignRole(ctx, "bob", "moderator"))

	require.NoError(t, e.RemoveSubject(ctx, "bob"))
	assert.False(t, allowed(t, e, "bob", "reports:read", ""))
	assert.False(t, allowed(t, e, "bob", "posts:read", "bob"))
	roles, err := e.Roles(ctx, "bob")
	require.NoError(t, err)
	assert.Empty(t, roles)
	assert.True(t, allowed(t, e, "carol", "users:read", ""), "other subjects keep their roles")
	require.NoError(t, e.RemoveSubject(ctx, "bob"), "removing an unknown name is not an error")

	// Removing a role removes its grants and its members' assignments.
	require.NoError(t, e.RemoveSubject(ctx, "moderator"))
	assert.False(t, allowed(t, e, "carol", "users:read", ""))
	assert.True(t, allowed(t, e, "alice", "users:read", ""), "admin's own wildcard still applies")
	members, err := e.Members(ctx, "user")
	require.NoError(t, err)
	assert.Empty(t, members, "moderator's hold of user is gone")
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	assert.NotContains(t, p.String(), "moderator")
}

func TestEditsHonourContext(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "x:y", Scope: permissions.Any}), context.Canceled)
	assert.ErrorIs(t, e.AssignRole(ctx, "bob", "admin"), context.Canceled)
	assert.False(t, allowed(t, e, "bob", "users:delete", ""))
}

func TestNamesInAnyScriptAreAccepted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	for _, name := range []string{"josé", "Zoë Smith", "用户", "редактор", "user:42", "محرر"} {
		require.NoError(t, e.AssignRole(ctx, name, "user"), name)
		assert.True(t, allowed(t, e, name, permissions.PostsRead, name), name)
	}
}
