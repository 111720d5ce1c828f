package main

import (
	"fmt"
	"path/filepath"
	"testing"
)

func TestPolicyRelationEditsOnSQLite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.db")
	db := "sqlite:" + path
	const seeded = "created the policy store (table casbin_rule) in %s, seeded with gatehouse's default policy (20 rules)\n"
	share := func(extra ...string) []string {
		return append([]string{"policy", "share", "--database", db, "--subject", "carol", "--role", "moderator", "--resource", "posts:42"}, extra...)
	}
	check := func(subject, permission, id string) []string {
		return []string{"check", "--database", db, "--subject", subject, "--permission", permission, "--id", id}
	}
	runSteps(t, []step{
		{name: "share creates the store", args: share(),
			wantOut: out(fmt.Sprintf(seeded, path) + "added: g2, carol, moderator, posts:42\n")},
		{name: "check reads the relation", args: check("carol", "posts:delete", "42"),
			wantOut: out("allow\nallowed by rule \"p, moderator, posts:delete, any, allow\" through relation \"g2, carol, moderator, posts:42\"\n")},
		{name: "on that post alone", args: check("carol", "posts:delete", "43"),
			wantCode: exitNo, wantOut: out("deny\ndenied: no rule grants \"posts:delete\" to \"carol\" on resource \"43\" with no owner\n")},
		{name: "share twice", args: share(),
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule already exists: g2, carol, moderator, posts:42"},
		{name: "share with an expiry replaces it", args: share("--until", "2999-01-01T00:00:00+01:00"),
			wantOut: out("removed: g2, carol, moderator, posts:42\nadded: g2, carol, moderator, posts:42, until 2998-12-31T23:00:00Z\n")},
		{name: "an expiry past", args: share("--until", "2001-01-01T00:00:00Z"),
			wantCode: exitError, wantOut: out(""), wantErr: "gatehouse: invalid expiry: g2, carol, moderator, posts:42, until 2001-01-01T00:00:00Z has expired already"},
		{name: "an expiry that is no time", args: share("--until", "Friday"),
			wantCode: exitError, wantOut: out(""), wantErr: `gatehouse policy share: --until "Friday": want a time in RFC 3339`},
		{name: "a resource without its id", args: []string{"policy", "share", "--database", db, "--subject", "carol", "--role", "moderator", "--resource", "posts"},
			wantCode: exitError, wantOut: out(""), wantErr: `gatehouse policy share: invalid resource: resource "posts": want type:id`},
		{name: "a role held on itself", args: []string{"policy", "share", "--database", db, "--subject", "user", "--role", "user", "--resource", "posts:42"},
			wantCode: exitNo, wantOut: out(""), wantErr: `gatehouse: role inheritance cycle: "user" cannot hold itself`},
		{name: "a role missing", args: []string{"policy", "share", "--database", db, "--subject", "carol", "--resource", "posts:42"},
			wantCode: exitError, wantOut: out(""), wantErr: "gatehouse policy share: --role is required"},

		{name: "set a parent", args: []string{"policy", "set-parent", "--database", db, "--resource", "comments:7", "--parent", "posts:42"},
			wantOut: out("added: g3, comments:7, posts:42\n")},
		{name: "the relation reaches inside", args: check("carol", "comments:delete", "7"),
			wantCode: exitNo, wantOut: out("deny\ndenied: no rule grants \"comments:delete\" to \"carol\" on resource \"7\" with no owner\n")},
		{name: "replace the parent", args: []string{"policy", "set-parent", "--database", db, "--resource", "comments:7", "--parent", "posts:43"},
			wantOut: out("removed: g3, comments:7, posts:42\nadded: g3, comments:7, posts:43\n")},
		{name: "the same parent again", args: []string{"policy", "set-parent", "--database", db, "--resource", "comments:7", "--parent", "posts:43"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule already exists: g3, comments:7, posts:43"},
		{name: "a loop of parents", args: []string{"policy", "set-parent", "--database", db, "--resource", "posts:43", "--parent", "comments:7"},
			wantCode: exitNo, wantOut: out(""), wantErr: `"comments:7" is inside "posts:43" already`},
		{name: "list", args: []string{"policy", "export", "--database", db},
			wantOut: out(readPolicy(t, "../../policy.csv").String() +
				"g2, carol, moderator, posts:42, until 2998-12-31T23:00:00Z\ng3, comments:7, posts:43\n")},

		{name: "remove the parent", args: []string{"policy", "remove-parent", "--database", db, "--resource", "comments:7"},
			wantOut: out("removed: g3, comments:7, posts:43\n")},
		{name: "remove it twice", args: []string{"policy", "remove-parent", "--database", db, "--resource", "comments:7"},
			wantCode: exitNo, wantOut: out(""), wantErr: `gatehouse: rule not found: "comments:7" has no parent`},
		{name: "unshare, whatever the expiry", args: []string{"policy", "unshare", "--database", db, "--subject", "carol", "--role", "moderator", "--resource", "posts:42"},
			wantOut: out("removed: g2, carol, moderator, posts:42, until 2998-12-31T23:00:00Z\n")},
		{name: "unshare twice", args: []string{"policy", "unshare", "--database", db, "--subject", "carol", "--role", "moderator", "--resource", "posts:42"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule not found: g2, carol, moderator, posts:42"},
		{name: "back to the default policy", args: []string{"policy", "export", "--database", db},
			wantOut: out(readPolicy(t, "../../policy.csv").String())},
	})
}

// TestPolicyRelationEditsNeedTheModelWithoutTenants: a model with
// tenants has no relations; the edit is refused and creates nothing.
func TestPolicyRelationEditsNeedTheModelWithoutTenants(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "policy.db")
	runSteps(t, []step{
		{name: "share", args: []string{"policy", "share", "--model", "tenants", "--database", db, "--subject", "carol", "--role", "editor", "--resource", "posts:42"},
			wantCode: exitError, wantOut: out(""), wantErr: "unsupported model: relations and resource parents need the model without tenants; nothing was created"},
		{name: "set-parent", args: []string{"policy", "set-parent", "--model", "tenants", "--database", db, "--resource", "docs:9", "--parent", "folders:7"},
			wantCode: exitError, wantOut: out(""), wantErr: "unsupported model"},
		{name: "the store was not created", args: []string{"policy", "list", "--database", db},
			wantCode: exitError, wantErr: "no policy store"},
	})
}

// TestPolicyImportCountsRelations: relations and parents are rules of the
// policy like any other.
func TestPolicyImportCountsRelations(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.db")
	db := "sqlite:" + path
	runSteps(t, []step{
		{name: "import", args: []string{"policy", "import", "--database", db, "testdata/relations.csv"},
			wantOut: out("created the policy store (table casbin_rule) in " + path + "\n" +
				"imported testdata/relations.csv: 17 rules added, 0 removed; the policy has 17 rules\n")},
		{name: "replace by the blog's, which shares two rules", args: []string{"policy", "import", "--database", db, "--replace", "testdata/policy.csv"},
			wantOut: out("imported testdata/policy.csv: 10 rules added, 15 removed; the policy has 12 rules\n")},
	})
}
