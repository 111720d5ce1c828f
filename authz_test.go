package gatehouse_test

// This test is the specification of gatehouse's default policy, policy.csv,
// written against model.conf. Copy it to test your own policy files: list the
// people, then one row per question — who, doing what, to whose resource —
// with the answer and the rule that must give it.

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const (
	allow = true
	deny  = false
)

// people are the subjects of the table and the roles they hold. mallory holds
// none: the policy has never heard of her.
var people = map[string][]string{
	"alice": {"admin"},
	"carol": {"moderator"},
	"bob":   {"user"},
	"dave":  {"user", "suspended"},
	"erin":  {"admin", "suspended"},
}

// policyCases: subject, permission, owner of the resource ("" when the request
// is about no particular resource, or one nobody owns), the answer, and the
// rule that decides it ("" when no rule matches and the default, deny,
// applies).
var policyCases = []struct {
	subject    string
	permission permissions.Permission
	owner      string
	want       bool
	rule       string
}{
	// Users act on their own posts and write new ones.
	{"bob", "posts:read", "bob", allow, "p, user, posts:read, own, allow"},
	{"bob", "posts:write", "", allow, "p, user, posts:write, any, allow"},
	{"bob", "posts:update", "bob", allow, "p, user, posts:update, own, allow"},
	{"bob", "posts:delete", "bob", allow, "p, user, posts:delete, own, allow"},
	// ...and nobody else's: "own" means the requester owns the resource.
	{"bob", "posts:read", "carol", deny, ""},
	{"bob", "posts:update", "carol", deny, ""},
	{"bob", "posts:delete", "carol", deny, ""},
	{"bob", "posts:read", "", deny, ""}, // a resource nobody owns is nobody's own
	{"bob", "users:read", "", deny, ""},
	{"bob", "users:delete", "bob", deny, ""}, // no grant for users, own or not
	{"bob", "policy:read", "", deny, ""},
	{"bob", "posts:publish", "bob", deny, ""}, // an action nobody granted

	// Moderators read and delete any post, read users, and inherit user.
	{"carol", "posts:read", "bob", allow, "p, moderator, posts:read, any, allow"},
	{"carol", "posts:delete", "bob", allow, "p, moderator, posts:delete, any, allow"},
	{"carol", "users:read", "", allow, "p, moderator, users:read, any, allow"},
	{"carol", "posts:write", "", allow, "p, user, posts:write, any, allow"},
	{"carol", "posts:update", "carol", allow, "p, user, posts:update, own, allow"},
	// ...but edit only their own posts and manage neither users nor policy.
	{"carol", "posts:update", "bob", deny, ""},
	{"carol", "users:write", "", deny, ""},
	{"carol", "users:delete", "bob", deny, ""},
	{"carol", "policy:read", "", deny, ""},
	{"carol", "policy:write", "", deny, ""},

	// Administrators inherit moderator, and with it user; their wildcards
	// cover every action on users, posts and the policy.
	{"alice", "users:read", "", allow, "p, moderator, users:read, any, allow"}, // the first matching rule explains
	{"alice", "users:write", "bob", allow, "p, admin, users:*, any, allow"},
	{"alice", "users:delete", "bob", allow, "p, admin, users:*, any, allow"},
	{"alice", "posts:update", "bob", allow, "p, admin, posts:*, any, allow"},
	{"alice", "posts:read", "carol", allow, "p, moderator, posts:read, any, allow"},
	{"alice", "posts:publish", "bob", allow, "p, admin, posts:*, any, allow"},
	{"alice", "policy:read", "", allow, "p, admin, policy:*, any, allow"},
	{"alice", "policy:write", "", allow, "p, admin, policy:*, any, allow"},
	// ...and nothing beyond them.
	{"alice", "comments:delete", "", deny, ""},
	{"alice", "billing:read", "alice", deny, ""},

	// A suspension denies writing and editing posts, and a deny overrides
	// every allow: the user role's, and even an administrator's wildcard.
	{"dave", "posts:write", "", deny, "p, suspended, posts:write, any, deny"},
	{"dave", "posts:update", "dave", deny, "p, suspended, posts:update, any, deny"},
	{"erin", "posts:write", "", deny, "p, suspended, posts:write, any, deny"},
	{"erin", "posts:update", "bob", deny, "p, suspended, posts:update, any, deny"},
	{"dave", "users:read", "", deny, ""},
	// ...and nothing else: the suspended keep their other grants.
	{"dave", "posts:read", "dave", allow, "p, user, posts:read, own, allow"},
	{"dave", "posts:delete", "dave", allow, "p, user, posts:delete, own, allow"},
	{"erin", "posts:delete", "bob", allow, "p, moderator, posts:delete, any, allow"},
	{"erin", "users:delete", "bob", allow, "p, admin, users:*, any, allow"},

	// Somebody the policy does not know may do nothing, not even to their
	// own resources.
	{"mallory", "posts:read", "mallory", deny, ""},
	{"mallory", "posts:write", "", deny, ""},
	{"mallory", "users:read", "", deny, ""},

	// A role can be asked about too: it holds its own grants.
	{"moderator", "posts:delete", "bob", allow, "p, moderator, posts:delete, any, allow"},
	{"user", "users:read", "", deny, ""},
}

func TestDefaultPolicy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithModelFile("model.conf"), authz.WithPolicyFile("policy.csv"))
	require.NoError(t, err)
	for subject, roles := range people {
		require.NoError(t, engine.SetRoles(ctx, subject, roles))
	}

	allows, denies := 0, 0
	for _, tc := range policyCases {
		if tc.want == allow {
			allows++
		} else {
			denies++
		}
		name := fmt.Sprintf("%s/%s/owner=%s", tc.subject, tc.permission, tc.owner)
		t.Run(name, func(t *testing.T) {
			decision, err := engine.Decide(ctx, authz.Request{
				Subject:    tc.subject,
				Permission: tc.permission,
				Resource:   authz.Resource{Owner: tc.owner},
			})
			require.NoError(t, err)
			assert.Equal(t, tc.want, decision.Allowed, decision.Reason())
			if tc.rule == "" {
				assert.False(t, decision.Matched(), "want no rule to match, got %s", decision.Rule)
			} else {
				assert.Equal(t, tc.rule, decision.Rule.String(), decision.Reason())
			}
		})
	}
	assert.GreaterOrEqual(t, allows+denies, 40, "the table should keep at least 40 rows")
	assert.GreaterOrEqual(t, denies, allows, "a policy is tested by what it refuses as much as by what it grants")
}

// TestEmbeddedDefaultsAreTheseFiles guards against the embedded copies and the
// files on disk drifting apart: New with no options must decide as the table
// above says.
func TestEmbeddedDefaultsAreTheseFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fromFiles, err := authz.New(ctx, authz.WithModelFile("model.conf"), authz.WithPolicyFile("policy.csv"))
	require.NoError(t, err)
	embedded, err := authz.New(ctx)
	require.NoError(t, err)

	want, err := fromFiles.Policy(ctx)
	require.NoError(t, err)
	got, err := embedded.Policy(ctx)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}
