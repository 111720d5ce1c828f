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

func TestDecideExplains(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	ctx := context.Background()
	require.NoError(t, e.AssignRole(ctx, "dave", "user"))
	require.NoError(t, e.AssignRole(ctx, "dave", "suspended"))

	tests := []struct {
		name    string
		req     authz.Request
		allowed bool
		rule    string
		reason  string
	}{
		{
			name:    "allowed by an inherited grant",
			req:     authz.Request{Subject: "carol", Permission: permissions.PostsWrite},
			allowed: true,
			rule:    "p, user, posts:write, any, allow",
			reason:  `allowed by rule "p, user, posts:write, any, allow"`,
		},
		{
			name:   "denied by an explicit deny",
			req:    authz.Request{Subject: "dave", Permission: permissions.PostsWrite},
			rule:   "p, suspended, posts:write, any, deny",
			reason: `denied by rule "p, suspended, posts:write, any, deny"`,
		},
		{
			name:   "no rule for somebody else's resource",
			req:    authz.Request{Subject: "bob", Permission: permissions.PostsUpdate, Resource: authz.Resource{Type: "posts", ID: "42", Owner: "carol"}},
			reason: `denied: no rule grants "posts:update" to "bob" on resource "42" owned by "carol"`,
		},
		{
			name:   "no rule for an unowned resource",
			req:    authz.Request{Subject: "bob", Permission: permissions.PostsRead, Resource: authz.Resource{ID: "7"}},
			reason: `denied: no rule grants "posts:read" to "bob" on resource "7" with no owner`,
		},
		{
			name:   "no rule at all",
			req:    authz.Request{Subject: "mallory", Permission: permissions.UsersRead},
			reason: `denied: no rule grants "users:read" to "mallory"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := e.Decide(ctx, tt.req)
			require.NoError(t, err)
			assert.Equal(t, tt.allowed, d.Allowed)
			assert.Equal(t, tt.rule != "", d.Matched())
			if tt.rule != "" {
				assert.Equal(t, tt.rule, d.Rule.String())
			}
			assert.Equal(t, tt.reason, d.Reason())
			assert.Equal(t, tt.reason, d.String())
			assert.Equal(t, tt.req, d.Request)
		})
	}
}

func TestDecideOwnership(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	tests := []struct {
		subject string
		perm    permissions.Permission
		owner   string
		want    bool
	}{
		{"bob", permissions.PostsUpdate, "bob", true},
		{"bob", permissions.PostsUpdate, "carol", false},
		{"bob", permissions.PostsUpdate, "", false},
		{"bob", permissions.PostsUpdate, "Bob", false}, // owners are compared exactly
		{"bob", permissions.PostsUpdate, "bob ", false},
		{"carol", permissions.PostsDelete, "bob", true}, // any beats own
		{"carol", permissions.PostsDelete, "", true},
		{"carol", permissions.PostsUpdate, "bob", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, allowed(t, e, tt.subject, tt.perm, tt.owner), "%s %s owner=%q", tt.subject, tt.perm, tt.owner)
	}
}

func TestDecideWildcard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, err := authz.New(ctx, authz.WithPolicy(`
		p, editor, articles:*, own, allow
		p, editor, articles:publish, any, deny
		g, ann, editor
	`))
	require.NoError(t, err)
	assert.True(t, allowed(t, e, "ann", "articles:update", "ann"))
	assert.True(t, allowed(t, e, "ann", "articles:archive", "ann"), "a wildcard covers actions no one listed")
	assert.False(t, allowed(t, e, "ann", "articles:update", "ben"), "the wildcard keeps its scope")
	assert.False(t, allowed(t, e, "ann", "articles:publish", "ann"), "a deny of one action overrides the wildcard")
	assert.False(t, allowed(t, e, "ann", "articlesx:update", "ann"), "the wildcard is bound to its resource")
	assert.False(t, allowed(t, e, "ann", "comments:update", "ann"))
}

func TestDecideFailsClosedOnBadInput(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		req  authz.Request
		want error
	}{
		{"empty subject", context.Background(), authz.Request{Permission: permissions.PostsRead}, authz.ErrInvalidSubject},
		{"subject with a comma", context.Background(), authz.Request{Subject: "bob,admin", Permission: permissions.PostsRead}, authz.ErrInvalidSubject},
		{"subject with a newline", context.Background(), authz.Request{Subject: "bob\nadmin", Permission: permissions.PostsRead}, authz.ErrInvalidSubject},
		{"overlong subject", context.Background(), authz.Request{Subject: strings.Repeat("a", authz.MaxNameLength+1), Permission: permissions.PostsRead}, authz.ErrInvalidSubject},
		{"empty permission", context.Background(), authz.Request{Subject: "alice"}, permissions.ErrInvalidPermission},
		{"malformed permission", context.Background(), authz.Request{Subject: "alice", Permission: "posts:read:all"}, permissions.ErrInvalidPermission},
		{"wildcard permission", context.Background(), authz.Request{Subject: "alice", Permission: "posts:*"}, permissions.ErrInvalidPermission},
		{"resource of another type", context.Background(), authz.Request{Subject: "alice", Permission: permissions.PostsRead, Resource: authz.Resource{Type: "users"}}, authz.ErrInvalidRequest},
		{"cancelled context", cancelled, authz.Request{Subject: "alice", Permission: permissions.PostsRead}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := e.Decide(tt.ctx, tt.req)
			require.ErrorIs(t, err, tt.want)
			assert.False(t, d.Allowed, "an error must never come with an allow")
			assert.False(t, d.Matched())
		})
	}
}

func TestDecideFailsClosedWhenTheMatcherFails(t *testing.T) {
	t.Parallel()
	// The matcher compares an owner as a number; a non-numeric owner makes
	// Casbin's evaluation fail at decision time.
	model := strings.Replace(defaultModelText(), `r.owner != ""`, `r.owner > 0`, 1)
	e, err := authz.New(context.Background(), authz.WithModel(model))
	require.NoError(t, err, "the probe decision has no owner, so it does not reach the comparison")
	require.NoError(t, e.AssignRole(context.Background(), "bob", "user"))
	d, err := e.Decide(context.Background(), authz.Request{Subject: "bob", Permission: permissions.PostsRead, Resource: authz.Resource{Owner: "bob"}})
	require.ErrorIs(t, err, authz.ErrEngine)
	assert.False(t, d.Allowed)
}

func TestZeroDecisionDenies(t *testing.T) {
	t.Parallel()
	var d authz.Decision
	assert.False(t, d.Allowed)
	assert.Equal(t, "denied: no decision was made", d.Reason())
}
