package authz_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
)

func TestNewUsesEmbeddedDefaults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := authz.New(ctx)
	require.NoError(t, err)
	p, err := e.Policy(ctx)
	require.NoError(t, err)

	want, err := authz.ParsePolicy("policy.csv", gatehouse.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, want, p)
	assert.Len(t, p.Grants, 18)
	assert.Equal(t, []authz.RoleAssignment{{Member: "moderator", Role: "user"}, {Member: "admin", Role: "moderator"}}, p.Roles)
}

func TestNewWithPolicyText(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := authz.New(ctx, authz.WithPolicy(`
		# editors edit any article
		p, editor, articles:update, any, allow
		g, "ann", editor
	`))
	require.NoError(t, err)
	assert.True(t, allowed(t, e, "ann", "articles:update", "bob"))
	assert.False(t, allowed(t, e, "ann", "posts:read", "ann"), "the default policy is replaced, not extended")

	empty, err := authz.New(ctx, authz.WithPolicy(""))
	require.NoError(t, err)
	p, err := empty.Policy(ctx)
	require.NoError(t, err)
	assert.Empty(t, p.Grants)
	assert.Empty(t, p.Roles)
}

func TestNewRejectsUnsupportedModels(t *testing.T) {
	t.Parallel()
	base := gatehouse.DefaultModel()
	tests := []struct {
		name  string
		model string
		want  string
	}{
		{"not a model", "this is not a model", ""},
		{"request without owner", strings.Replace(base, "r = sub, perm, owner", "r = sub, perm", 1), "want r = sub, perm, owner"},
		{"request with object and action", strings.Replace(base, "r = sub, perm, owner", "r = sub, obj, act", 1), "want r = sub, perm, owner"},
		{"grant without effect", strings.Replace(base, "p = sub, perm, scope, eft", "p = sub, perm, scope", 1), "want p = sub, perm, scope, eft"},
		{"allow-only effect ignores denies", strings.Replace(base, "&& !some(where (p.eft == deny))", "", 1), "want e = "},
		{"no role definition", strings.Replace(base, "g = _, _", "", 1), "role definition"},
		{"role definition with domains", strings.Replace(base, "g = _, _", "g = _, _, _", 1), "role definition"},
		{"matcher calls an unknown function", strings.Replace(base, "keyMatch(r.perm, p.perm)", "nosuchFunc(r.perm, p.perm)", 1), "matcher cannot be evaluated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := authz.New(context.Background(), authz.WithModel(tt.model))
			require.ErrorIs(t, err, authz.ErrUnsupportedModel)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestNewAcceptsACustomMatcher(t *testing.T) {
	t.Parallel()
	// A superuser shortcut: "root" may do anything, even with no rule at all.
	model := strings.Replace(gatehouse.DefaultModel(), "m = ", `m = r.sub == "root" || `, 1)
	e, err := authz.New(context.Background(), authz.WithModel(model), authz.WithPolicy(""))
	require.NoError(t, err)

	d, err := e.Decide(context.Background(), authz.Request{Subject: "root", Permission: "anything:at-all"})
	require.NoError(t, err)
	assert.True(t, d.Allowed)
	assert.False(t, d.Matched())
	assert.Equal(t, "allowed by the model's matcher, no rule", d.Reason())

	d, err = e.Decide(context.Background(), authz.Request{Subject: "bob", Permission: "anything:at-all"})
	require.NoError(t, err)
	assert.False(t, d.Allowed)
}

func TestNewRejectsMalformedPolicies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		policy string
		line   int
		want   error
		reason string
	}{
		{"bad permission", "p, user, posts:read, own, allow\np, user, posts: read, own, allow", 2, permissions.ErrInvalidPermission, "action contains ' '"},
		{"extra colon", "p, user, posts:read:all, any, allow", 1, permissions.ErrInvalidPermission, "more than one colon"},
		{"wildcard resource", "p, admin, *:*, any, allow", 1, permissions.ErrInvalidPermission, "resource contains '*'"},
		{"unknown scope", "\n\np, user, posts:read, all, allow", 3, permissions.ErrInvalidScope, `"all"`},
		{"unknown effect", "p, user, posts:read, own, permit", 1, authz.ErrInvalidEffect, `"permit"`},
		{"missing effect", "p, user, posts:read, own", 1, authz.ErrInvalidPolicy, "4 values"},
		{"empty subject", "p, , posts:read, own, allow", 1, authz.ErrInvalidSubject, "empty subject"},
		{"subject with spaces", `p, "user ", posts:read, own, allow`, 1, authz.ErrInvalidSubject, "surrounding spaces"},
		{"role line too long", "g, bob, user, extra", 1, authz.ErrInvalidPolicy, "2 values"},
		{"role holds itself", "g, user, user", 1, authz.ErrCycle, "cannot hold itself"},
		{"unknown rule type", "p2, user, posts:read, own, allow", 1, authz.ErrInvalidPolicy, `unknown rule type "p2"`},
		{"unbalanced quote", `p, "user, posts:read, own, allow`, 1, authz.ErrInvalidPolicy, "malformed line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := authz.New(context.Background(), authz.WithPolicy(tt.policy))
			require.Error(t, err)
			assert.ErrorIs(t, err, authz.ErrInvalidPolicy)
			assert.ErrorIs(t, err, tt.want)
			var perr *authz.PolicyError
			require.ErrorAs(t, err, &perr)
			assert.Equal(t, tt.line, perr.Line)
			assert.Equal(t, "policy", perr.Source)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

func TestNewReportsFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "broken.csv")
	require.NoError(t, os.WriteFile(path, []byte("# header\np, user, posts:read, own, allow\np, user, posts:zap:x, own, allow\n"), 0o600))
	_, err := authz.New(context.Background(), authz.WithPolicyFile(path))
	require.ErrorIs(t, err, authz.ErrInvalidPolicy)
	assert.Contains(t, err.Error(), path+":3: ")

	_, err = authz.New(context.Background(), authz.WithPolicyFile(filepath.Join(dir, "missing.csv")))
	assert.ErrorIs(t, err, authz.ErrInvalidPolicy)
	_, err = authz.New(context.Background(), authz.WithModelFile(filepath.Join(dir, "missing.conf")))
	assert.ErrorIs(t, err, authz.ErrUnsupportedModel)
}

// privateStore hides its store's Identity: a store processes cannot share.
type privateStore struct{ authz.Store }

func TestWithNotifierNeedsASharedStore(t *testing.T) {
	t.Parallel()
	hub := watch.NewLocal()
	defer hub.Close()
	memory, err := authz.NewMemoryStore()
	require.NoError(t, err)
	_, err = authz.New(context.Background(), authz.WithStore(privateStore{memory}), authz.WithNotifier(hub))
	assert.ErrorIs(t, err, authz.ErrStore)
	e, err := authz.New(context.Background(), authz.WithStore(memory), authz.WithNotifier(hub))
	require.NoError(t, err)
	e.Close()
}

func TestParsePolicyRoundTrip(t *testing.T) {
	t.Parallel()
	p, err := authz.ParsePolicy("policy.csv", gatehouse.DefaultPolicy())
	require.NoError(t, err)
	again, err := authz.ParsePolicy("again", p.String())
	require.NoError(t, err)
	assert.Equal(t, p, again)

	dup, err := authz.ParsePolicy("dup", "p, a, x:y, any, allow\np, a, x:y, any, allow\ng, b, a\ng, b, a")
	require.NoError(t, err)
	assert.Len(t, dup.Grants, 1, "a line written twice is kept once, as Casbin does")
	assert.Len(t, dup.Roles, 1)
}
