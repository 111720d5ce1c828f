package gatehouse_test

// This test is the specification of gatehouse's default policy, policy.csv,
// written against model.conf. Copy it to test your own policy files: list the
// people and the roles they hold, then one row per question — who, doing
// what, to whose resource — with the answer and the rule that must give it.
// testdata/policy_test.yaml asks the same questions in YAML, the form
// authztest also reads; keep the two in step (TestDefaultPolicyTablesAgree
// checks that they are).

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

const (
	allow = true
	deny  = false
	// none says that no rule matches: the request is denied by default.
	none = authztest.NoRule
)

// yamlTable is the YAML form of defaultPolicy.
const yamlTable = "testdata/policy_test.yaml"

// people are the subjects of the table and the roles they hold. mallory holds
// none: the policy has never heard of her.
var people = map[string][]string{
	"alice": {"admin"},
	"carol": {"moderator"},
	"bob":   {"user"},
	"dave":  {"user", "suspended"},
	"erin":  {"admin", "suspended"},
}

// defaultPolicy asks, row by row: subject, permission, owner of the resource
// (left out when the request is about no particular resource, or one nobody
// owns), the answer, and the rule that decides it (none when no rule matches
// and the default, deny, applies).
var defaultPolicy = authztest.Table{
	Name:  "policy.csv",
	Roles: people,
	Cases: []authztest.Case{
		// Users act on their own posts and write new ones.
		{Subject: "bob", Permission: "posts:read", Owner: "bob", Allow: allow, Rule: "p, user, posts:read, own, allow"},
		{Subject: "bob", Permission: "posts:write", Allow: allow, Rule: "p, user, posts:write, any, allow"},
		{Subject: "bob", Permission: "posts:update", Owner: "bob", Allow: allow, Rule: "p, user, posts:update, own, allow"},
		{Subject: "bob", Permission: "posts:delete", Owner: "bob", Allow: allow, Rule: "p, user, posts:delete, own, allow"},
		{Subject: "bob", Permission: "posts:share", Owner: "bob", Allow: allow, Rule: "p, user, posts:share, own, allow"},
		{Subject: "bob", Permission: "posts:audit", Owner: "bob", Allow: allow, Rule: "p, user, posts:audit, own, allow"},
		// ...and nobody else's: "own" means the requester owns the resource.
		{Subject: "bob", Permission: "posts:read", Owner: "carol", Allow: deny, Rule: none},
		{Subject: "bob", Permission: "posts:update", Owner: "carol", Allow: deny, Rule: none},
		{Subject: "bob", Permission: "posts:delete", Owner: "carol", Allow: deny, Rule: none},
		{Subject: "bob", Permission: "posts:share", Owner: "carol", Allow: deny, Rule: none},
		{Subject: "bob", Permission: "posts:audit", Owner: "carol", Allow: deny, Rule: none},
		{Subject: "bob", Permission: "posts:read", Allow: deny, Rule: none}, // a resource nobody owns is nobody's own
		{Subject: "bob", Permission: "users:read", Allow: deny, Rule: none},
		{Subject: "bob", Permission: "users:delete", Owner: "bob", Allow: deny, Rule: none}, // no grant for users, own or not
		{Subject: "bob", Permission: "policy:read", Allow: deny, Rule: none},
		{Subject: "bob", Permission: "posts:publish", Owner: "bob", Allow: deny, Rule: none}, // an action nobody granted

		// Moderators read, delete and audit any post, read users, and
		// inherit user.
		{Subject: "carol", Permission: "posts:read", Owner: "bob", Allow: allow, Rule: "p, moderator, posts:read, any, allow"},
		{Subject: "carol", Permission: "posts:delete", Owner: "bob", Allow: allow, Rule: "p, moderator, posts:delete, any, allow"},
		{Subject: "carol", Permission: "posts:audit", Owner: "bob", Allow: allow, Rule: "p, moderator, posts:audit, any, allow"},
		{Subject: "carol", Permission: "users:read", Allow: allow, Rule: "p, moderator, users:read, any, allow"},
		{Subject: "carol", Permission: "posts:write", Allow: allow, Rule: "p, user, posts:write, any, allow"},
		{Subject: "carol", Permission: "posts:update", Owner: "carol", Allow: allow, Rule: "p, user, posts:update, own, allow"},
		// ...but edit only their own posts and manage neither users nor policy.
		{Subject: "carol", Permission: "posts:update", Owner: "bob", Allow: deny, Rule: none},
		{Subject: "carol", Permission: "posts:share", Owner: "bob", Allow: deny, Rule: none},
		{Subject: "carol", Permission: "users:write", Allow: deny, Rule: none},
		{Subject: "carol", Permission: "users:delete", Owner: "bob", Allow: deny, Rule: none},
		{Subject: "carol", Permission: "policy:read", Allow: deny, Rule: none},
		{Subject: "carol", Permission: "policy:write", Allow: deny, Rule: none},

		// Administrators inherit moderator, and with it user; their wildcards
		// cover every action on users, posts and the policy.
		{Subject: "alice", Permission: "users:read", Allow: allow, Rule: "p, moderator, users:read, any, allow"}, // the first matching rule explains
		{Subject: "alice", Permission: "users:write", Owner: "bob", Allow: allow, Rule: "p, admin, users:*, any, allow"},
		{Subject: "alice", Permission: "users:delete", Owner: "bob", Allow: allow, Rule: "p, admin, users:*, any, allow"},
		{Subject: "alice", Permission: "posts:update", Owner: "bob", Allow: allow, Rule: "p, admin, posts:*, any, allow"},
		{Subject: "alice", Permission: "posts:share", Owner: "bob", Allow: allow, Rule: "p, admin, posts:*, any, allow"},
		{Subject: "alice", Permission: "posts:read", Owner: "carol", Allow: allow, Rule: "p, moderator, posts:read, any, allow"},
		{Subject: "alice", Permission: "posts:publish", Owner: "bob", Allow: allow, Rule: "p, admin, posts:*, any, allow"},
		{Subject: "alice", Permission: "policy:read", Allow: allow, Rule: "p, admin, policy:*, any, allow"},
		{Subject: "alice", Permission: "policy:write", Allow: allow, Rule: "p, admin, policy:*, any, allow"},
		// ...and nothing beyond them.
		{Subject: "alice", Permission: "comments:delete", Allow: deny, Rule: none},
		{Subject: "alice", Permission: "billing:read", Owner: "alice", Allow: deny, Rule: none},

		// Editors read and edit posts, and nothing more: not delete them, nor
		// share them further. The role is held on one post at a time,
		// through a relation, which this table of role holders cannot
		// give; asked about as a role, it shows its grants.
		{Subject: "editor", Permission: "posts:read", Owner: "bob", Allow: allow, Rule: "p, editor, posts:read, any, allow"},
		{Subject: "editor", Permission: "posts:update", Owner: "bob", Allow: allow, Rule: "p, editor, posts:update, any, allow"},
		{Subject: "editor", Permission: "posts:delete", Owner: "bob", Allow: deny, Rule: none},
		{Subject: "editor", Permission: "posts:share", Owner: "bob", Allow: deny, Rule: none},
		{Subject: "editor", Permission: "posts:write", Allow: deny, Rule: none},

		// A suspension denies writing, editing and sharing posts, and a deny
		// overrides every allow: the user role's, and even an
		// administrator's wildcard.
		{Subject: "dave", Permission: "posts:write", Allow: deny, Rule: "p, suspended, posts:write, any, deny"},
		{Subject: "dave", Permission: "posts:update", Owner: "dave", Allow: deny, Rule: "p, suspended, posts:update, any, deny"},
		{Subject: "erin", Permission: "posts:write", Allow: deny, Rule: "p, suspended, posts:write, any, deny"},
		{Subject: "erin", Permission: "posts:update", Owner: "bob", Allow: deny, Rule: "p, suspended, posts:update, any, deny"},
		{Subject: "dave", Permission: "posts:share", Owner: "dave", Allow: deny, Rule: "p, suspended, posts:share, any, deny"},
		{Subject: "erin", Permission: "posts:share", Owner: "bob", Allow: deny, Rule: "p, suspended, posts:share, any, deny"},
		{Subject: "dave", Permission: "users:read", Allow: deny, Rule: none},
		// ...and nothing else: the suspended keep their other grants.
		{Subject: "dave", Permission: "posts:read", Owner: "dave", Allow: allow, Rule: "p, user, posts:read, own, allow"},
		{Subject: "dave", Permission: "posts:delete", Owner: "dave", Allow: allow, Rule: "p, user, posts:delete, own, allow"},
		{Subject: "erin", Permission: "posts:delete", Owner: "bob", Allow: allow, Rule: "p, moderator, posts:delete, any, allow"},
		{Subject: "erin", Permission: "users:delete", Owner: "bob", Allow: allow, Rule: "p, admin, users:*, any, allow"},

		// Somebody the policy does not know may do nothing, not even to their
		// own resources.
		{Subject: "mallory", Permission: "posts:read", Owner: "mallory", Allow: deny, Rule: none},
		{Subject: "mallory", Permission: "posts:write", Allow: deny, Rule: none},
		{Subject: "mallory", Permission: "users:read", Allow: deny, Rule: none},

		// A role can be asked about too: it holds its own grants.
		{Subject: "moderator", Permission: "posts:delete", Owner: "bob", Allow: allow, Rule: "p, moderator, posts:delete, any, allow"},
		{Subject: "user", Permission: "users:read", Allow: deny, Rule: none},
	},
}

func TestDefaultPolicy(t *testing.T) {
	t.Parallel()
	engine, err := authz.New(t.Context(), authz.WithModelFile("model.conf"), authz.WithPolicyFile("policy.csv"))
	require.NoError(t, err)
	authztest.Run(t, engine, defaultPolicy)

	allows, denies := 0, 0
	for _, c := range defaultPolicy.Cases {
		if c.Allow {
			allows++
		} else {
			denies++
		}
	}
	assert.GreaterOrEqual(t, allows+denies, 40, "the table should keep at least 40 rows")
	assert.GreaterOrEqual(t, denies, allows, "a policy is tested by what it refuses as much as by what it grants")
}

// TestDefaultPolicyYAML runs the YAML form of the table against the model and
// policy embedded in package gatehouse, which New uses when given nothing
// else.
func TestDefaultPolicyYAML(t *testing.T) {
	t.Parallel()
	engine, err := authz.New(t.Context())
	require.NoError(t, err)
	authztest.RunFile(t, engine, yamlTable)
}

// TestDefaultPolicyTablesAgree keeps the Go and YAML tables one
// specification: the same people, and the same questions with the same
// answers and rules, in the same order.
func TestDefaultPolicyTablesAgree(t *testing.T) {
	t.Parallel()
	fromYAML, err := authztest.LoadFile(yamlTable)
	require.NoError(t, err)

	assert.Equal(t, defaultPolicy.Roles, fromYAML.Roles)
	question := func(c authztest.Case) authztest.Case {
		return authztest.Case{Subject: c.Subject, Permission: c.Permission, Owner: c.Owner, Allow: c.Allow, Rule: c.Rule}
	}
	require.Len(t, fromYAML.Cases, len(defaultPolicy.Cases))
	for i, c := range defaultPolicy.Cases {
		assert.Equal(t, question(c), question(fromYAML.Cases[i]), "row %d; %s:%d", i+1, yamlTable, fromYAML.Cases[i].Line)
	}
}

// TestDefaultPolicyCoverage requires every line of policy.csv to decide a
// case, or to carry a case's subject to the role whose rule decided it: a
// line no case exercises can change without any test noticing.
func TestDefaultPolicyCoverage(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	engine, err := authz.New(ctx)
	require.NoError(t, err)
	fromYAML, err := authztest.LoadFile(yamlTable)
	require.NoError(t, err)

	var reports []authztest.Report
	for _, table := range []authztest.Table{defaultPolicy, fromYAML} {
		report, err := authztest.Evaluate(ctx, engine, table)
		require.NoError(t, err)
		require.Zero(t, report.Failed, "%s: TestDefaultPolicy and TestDefaultPolicyYAML say which cases fail", report.Table)
		reports = append(reports, report)
	}

	lines := authz.ScanPolicy("policy.csv", gatehouse.DefaultPolicy())
	coverage := authztest.Cover(engine, lines, reports...)
	for _, l := range coverage.Uncovered {
		t.Errorf("%s:%d: no case exercises %s", l.Source, l.Line, l.Text)
	}
	assert.NotEmpty(t, coverage.Lines)
	assert.InDelta(t, 100.0, coverage.Percent, 0)
}

// TestEmbeddedDefaultsAreTheseFiles guards against the embedded copies and the
// files on disk drifting apart: New with no options must decide as the table
// above says.
func TestEmbeddedDefaultsAreTheseFiles(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
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
