package authztest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func TestCaseString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    authztest.Case
		want string
	}{
		{authztest.Case{Subject: "bob", Permission: "posts:read", Owner: "alice"}, "bob posts:read owner alice"},
		{authztest.Case{Subject: "bob", Permission: "posts:write"}, "bob posts:write"},
		{authztest.Case{Name: "users write posts", Subject: "bob", Permission: "posts:write"}, "users write posts"},
		{authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", Owner: "bob"}, "carol posts:update on posts:42 owner bob"},
		{
			authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", At: time.Date(2026, 12, 4, 13, 0, 0, 0, time.FixedZone("", 3600))},
			"carol posts:update on posts:42 at 2026-12-04T12:00:00Z",
		},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.c.String())
	}
}

func TestCaseRequest(t *testing.T) {
	t.Parallel()
	c := authztest.Case{Subject: "bob", Permission: permissions.PostsRead, Owner: "alice", Allow: true}
	assert.Equal(t, authz.Request{
		Subject: "bob", Permission: permissions.PostsRead, Resource: authz.Resource{Owner: "alice"},
	}, c.Request())
	c.ID = "42"
	assert.Equal(t, authz.Resource{ID: "42", Owner: "alice"}, c.Request().Resource)
}

func TestCaseValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    authztest.Case
		want string // "" for a valid case
		is   error
	}{
		{name: "valid", c: authztest.Case{Subject: "bob", Permission: "posts:read", Rule: authztest.NoRule}},
		{name: "rule unchecked", c: authztest.Case{Subject: "bob", Permission: "posts:read", Allow: true}},
		{
			name: "rule spaced and quoted its own way",
			c:    authztest.Case{Subject: "bob", Permission: "posts:read", Allow: true, Rule: `p,user,  posts:read,"own",allow`},
		},
		{name: "no subject", c: authztest.Case{Permission: "posts:read"}, want: "subject: missing: who asks"},
		{
			name: "no permission, with its source",
			c:    authztest.Case{Subject: "bob", Source: "policy_test.go"},
			want: "policy_test.go: permission: missing: want resource:action",
		},
		{
			name: "wildcard permission",
			c:    authztest.Case{Subject: "bob", Permission: "posts:*"},
			want: `permission: invalid permission: "posts:*": a request names one action, not "*"`,
			is:   permissions.ErrInvalidPermission,
		},
		{
			name: "deny rule for an allow",
			c:    authztest.Case{Subject: "dave", Permission: "posts:write", Allow: true, Rule: "p, suspended, posts:write, any, deny"},
			want: `rule: "p, suspended, posts:write, any, deny" denies, so it cannot decide a case that wants allow`,
		},
		{
			name: "relation checked",
			c: authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", Allow: true,
				Relation: "g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z"},
		},
		{name: "no relation, about no resource", c: authztest.Case{Subject: "bob", Permission: "posts:read", Relation: authztest.NoRule}},
		{
			name: "id malformed",
			c:    authztest.Case{Subject: "carol", Permission: "posts:update", ID: " 42"},
			want: `id: invalid resource: invalid subject: resource id " 42" has surrounding spaces`,
			is:   authz.ErrInvalidResource,
		},
		{
			name: "relation a role line",
			c:    authztest.Case{Subject: "carol", Permission: "posts:update", ID: "42", Relation: "g, carol, editor"},
			want: `relation: "g, carol, editor": want a relation line "g2, subject, role, type:id", with its expiry last if it has one, or "none"`,
		},
		{
			name: "relation about no resource",
			c:    authztest.Case{Subject: "carol", Permission: "posts:update", Relation: "g2, carol, editor, posts:42"},
			want: `relation: "g2, carol, editor, posts:42": a relation applies only to a case about one resource: give its id`,
		},
		{
			name: "several problems",
			c:    authztest.Case{Permission: "posts", Rule: "p, user", Source: "t.yaml", Line: 3},
			want: "t.yaml:3: subject: missing: who asks\n" +
				`t.yaml:3: permission: invalid permission: "posts": want resource:action` + "\n" +
				`t.yaml:3: rule: "p, user": a grant has 4 values (subject, permission, scope, effect), or 5 with a tenant (subject, tenant, permission, scope, effect), got 1`,
			is: permissions.ErrInvalidPermission,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := tc.c.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, authztest.ErrInvalidTable)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.Equal(t, tc.want, err.Error())
		})
	}
}
