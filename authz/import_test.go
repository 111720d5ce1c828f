package authz_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func TestImportAddsWhatIsMissingAtomically(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := testdb.SQLite.New(t)
	e, err := authz.New(ctx, withDB(t, store.Open(t)))
	require.NoError(t, err)
	before, err := e.Policy(ctx)
	require.NoError(t, err)

	imported, err := authz.ParsePolicy("team.csv", `
p, editor, articles:update, any, allow
p, user, posts:read, own, allow
g, editor, user
g, dana, editor
g, dana, editor
`)
	require.NoError(t, err)
	require.NoError(t, e.Import(ctx, imported), "rules held already are not an error")
	assert.True(t, allowed(t, e, "dana", "articles:update", ""))
	assert.True(t, allowed(t, e, "dana", "posts:read", "dana"))
	after, err := e.Policy(ctx)
	require.NoError(t, err)
	assert.Len(t, after.Grants, len(before.Grants)+1)
	assert.Len(t, after.Roles, len(before.Roles)+2)
	require.NoError(t, e.Import(ctx, imported), "importing again changes nothing")

	refused := []struct {
		name   string
		policy authz.Policy
		err    error
	}{
		{"a cycle with the policy", authz.Policy{Roles: []authz.RoleAssignment{{Member: "user", Role: "editor"}}}, authz.ErrCycle},
		{"a bad grant among good ones", authz.Policy{
			Grants: []authz.Grant{{Subject: "x", Permission: "a:b", Scope: permissions.Any}, {Subject: "y", Permission: "nope", Scope: permissions.Any}},
		}, permissions.ErrInvalidPermission},
		{"a chain too deep", chain(authz.MaxRoleDepth + 1), authz.ErrTooDeep},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, e.Import(ctx, tc.policy), tc.err)
			got, err := e.Policy(ctx)
			require.NoError(t, err)
			assert.Equal(t, after, got, "nothing changed")
		})
	}
	restarted, err := authz.New(ctx, withDB(t, store.Open(t)))
	require.NoError(t, err)
	got, err := restarted.Policy(ctx)
	require.NoError(t, err)
	assert.Equal(t, after, got)
}

// chain is n assignments in a row: level-0 holds level-1, and so on.
func chain(n int) authz.Policy {
	var p authz.Policy
	for i := range n {
		p.Roles = append(p.Roles, authz.RoleAssignment{Member: fmt.Sprintf("level-%d", i), Role: fmt.Sprintf("level-%d", i+1)})
	}
	return p
}

func TestReplaceMakesThePolicyExactly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := testdb.SQLite.New(t)
	e, err := authz.New(ctx, withDB(t, store.Open(t)))
	require.NoError(t, err)
	require.NoError(t, e.AssignRole(ctx, "bob", "admin"))

	want, err := authz.ParsePolicy("new.csv", "p, reader, docs:read, any, allow\ng, bob, reader\n")
	require.NoError(t, err)
	require.NoError(t, e.Replace(ctx, want))
	got, err := e.Policy(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.False(t, allowed(t, e, "bob", "users:delete", ""))
	assert.True(t, allowed(t, e, "bob", "docs:read", ""))

	require.ErrorIs(t, e.Replace(ctx, authz.Policy{Roles: []authz.RoleAssignment{{Member: "a", Role: "a"}}}), authz.ErrCycle)
	require.ErrorIs(t, e.Replace(ctx, authz.Policy{Roles: []authz.RoleAssignment{{Member: "a", Role: "b"}, {Member: "b", Role: "a"}}}), authz.ErrCycle)
	got, err = e.Policy(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, got, "a refused replacement changes nothing")

	require.NoError(t, e.Replace(ctx, authz.Policy{}))
	got, err = e.Policy(ctx)
	require.NoError(t, err)
	assert.Empty(t, got.Grants)
	assert.Empty(t, got.Roles)
	restarted, err := authz.New(ctx, withDB(t, store.Open(t)))
	require.NoError(t, err)
	got, err = restarted.Policy(ctx)
	require.NoError(t, err)
	assert.Equal(t, authz.Policy{}, got, "an emptied store stays empty")
}
