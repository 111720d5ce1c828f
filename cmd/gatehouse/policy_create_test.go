package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// defaultPolicy is gatehouse's embedded policy, as export prints it.
func defaultPolicy(t *testing.T) authz.Policy {
	t.Helper()
	p, err := authz.ParsePolicy(embeddedPolicySource, gatehouse.DefaultPolicy())
	require.NoError(t, err)
	return p
}

// seededLine is what an edit prints when it creates the store.
func seededLine(t *testing.T, table, where string) string {
	t.Helper()
	p := defaultPolicy(t)
	return "created the policy store (table " + table + ") in " + where +
		", seeded with gatehouse's default policy (" + strconv.Itoa(len(p.Grants)+len(p.Roles)) + " rules)\n"
}

func TestEditsCreateTheStoreSeeded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		table   string
		wantOut string
		// want is the policy the store then holds.
		want func(p *authz.Policy)
	}{
		{
			name: "grant", args: []string{"grant", "--subject", "editor", "--permission", "pages:update"},
			wantOut: "added: p, editor, pages:update, any, allow\n",
			want: func(p *authz.Policy) {
				p.Grants = append(p.Grants, authz.Grant{Subject: "editor", Permission: "pages:update", Scope: "any", Effect: authz.Allow})
			},
		},
		{
			name: "deny, in a table of its own", args: []string{"deny", "--subject", "bob", "--permission", "posts:read", "--scope", "own"}, table: "blog_rules",
			wantOut: "added: p, bob, posts:read, own, deny\n",
			want: func(p *authz.Policy) {
				p.Grants = append(p.Grants, authz.Grant{Subject: "bob", Permission: "posts:read", Scope: "own", Effect: authz.Deny})
			},
		},
		{
			name: "revoke a grant of the default policy", args: []string{"revoke", "--subject", "user", "--permission", "posts:delete", "--scope", "own"},
			wantOut: "removed: p, user, posts:delete, own, allow\n",
			want: func(p *authz.Policy) {
				p.Grants = deleteGrant(p.Grants, authz.Grant{Subject: "user", Permission: "posts:delete", Scope: "own", Effect: authz.Allow})
			},
		},
		{
			name: "assign", args: []string{"assign", "--subject", "alice", "--role", "moderator"},
			wantOut: "added: g, alice, moderator\n",
			want: func(p *authz.Policy) {
				p.Roles = append(p.Roles, authz.RoleAssignment{Member: "alice", Role: "moderator"})
			},
		},
		{
			name: "unassign a role of the default policy", args: []string{"unassign", "--subject", "admin", "--role", "moderator"},
			wantOut: "removed: g, admin, moderator\n",
			want: func(p *authz.Policy) {
				p.Roles = deleteRole(p.Roles, authz.RoleAssignment{Member: "admin", Role: "moderator"})
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "app.db")
			db := "sqlite:" + path
			args := append([]string{"policy"}, tt.args...)
			args = append(args, "--database", db)
			table := "casbin_rule"
			if tt.table != "" {
				table = tt.table
				args = append(args, "--table", table)
			}
			want := defaultPolicy(t)
			tt.want(&want)
			export := []string{"policy", "export", "--database", db}
			if tt.table != "" {
				export = append(export, "--table", table)
			}
			runSteps(t, []step{
				{name: "the edit creates the store", args: args, wantOut: out(seededLine(t, table, path) + tt.wantOut)},
				{name: "the store holds the default policy, edited", args: export, wantOut: out(want.String())},
				{name: "the same edit again is refused", args: args, wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule"},
			})
		})
	}
}

func TestEditsTheDefaultPolicyRefusesCreateNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"grant a grant it has", []string{"policy", "grant", "--subject", "user", "--permission", "posts:write"},
			"gatehouse: rule already exists: p, user, posts:write, any, allow, in gatehouse's default policy, which a new store in "},
		{"revoke a grant it has not", []string{"policy", "revoke", "--subject", "bob", "--permission", "posts:write"},
			"gatehouse: rule not found: p, bob, posts:write, any, allow, in gatehouse's default policy"},
		{"assign a cycle", []string{"policy", "assign", "--subject", "user", "--role", "admin"},
			"gatehouse: role inheritance cycle"},
		{"unassign a role not held", []string{"policy", "unassign", "--subject", "bob", "--role", "admin"},
			"gatehouse: rule not found: g, bob, admin"},
		{"import a cycle", []string{"policy", "import", "testdata/cycle.csv"},
			"gatehouse: role inheritance cycle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "app.db")
			r := cli(t, append(tt.args, "--database", "sqlite:"+path)...)
			assert.Equal(t, exitNo, r.code, r)
			assert.Empty(t, r.stdout, r)
			assert.Contains(t, r.stderr, tt.wantErr, r)
			assert.Contains(t, r.stderr, "nothing was created", r)
			assert.Contains(t, r.stderr, path, "the message names the file", r)
			_, err := os.Stat(path)
			assert.ErrorIs(t, err, os.ErrNotExist, "a refused edit creates no file")
		})
	}
}

func TestEditsRefuseASQLitePathInNoDirectory(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "mistyped")
	path := filepath.Join(dir, "app.db")
	for _, args := range [][]string{
		{"policy", "grant", "--subject", "editor", "--permission", "pages:update"},
		{"policy", "import", "testdata/policy.csv"},
	} {
		r := cli(t, append(args, "--database", "sqlite:"+path)...)
		assert.Equal(t, exitError, r.code, r)
		assert.Empty(t, r.stdout, r)
		assert.Contains(t, r.stderr, "the directory "+dir+" does not exist", r)
		_, err := os.Stat(dir)
		assert.ErrorIs(t, err, os.ErrNotExist, "nothing is created")
	}
}

func TestEditsNameARelativeSQLitePathInFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := invocation{dir: dir}.run(t, "policy", "grant", "--database", "sqlite:app.db", "--subject", "editor", "--permission", "pages:update")
	require.Equal(t, exitOK, r.code, r)
	assert.Equal(t, seededLine(t, "casbin_rule", filepath.Join(dir, "app.db"))+"added: p, editor, pages:update, any, allow\n", r.stdout, r)
}

func TestEditsCreateTheStoreOnEveryDatabase(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		d := b.New(t)
		where := strings.TrimPrefix(d.DSN(), "sqlite:")
		if b.IsServer() {
			where = database.Redact(d.DSN())
		}
		runSteps(t, []step{
			{name: "list finds no store", args: []string{"policy", "list", "--database", d.DSN()},
				wantCode: exitError, wantErr: "no policy store"},
			{name: "grant creates it", args: []string{"policy", "grant", "--database", d.DSN(), "--subject", "editor", "--permission", "pages:update"},
				wantOut: out(seededLine(t, "casbin_rule", where) + "added: p, editor, pages:update, any, allow\n")},
			{name: "check reads it", args: []string{"check", "--database", d.DSN(), "--subject", "moderator", "--permission", "posts:delete"},
				wantOut: out("allow\nallowed by rule \"p, moderator, posts:delete, any, allow\"\n")},
			{name: "grant again finds it", args: []string{"policy", "grant", "--database", d.DSN(), "--subject", "editor", "--permission", "pages:read"},
				wantOut: out("added: p, editor, pages:read, any, allow\n")},
		})
	})
}

func TestListSaysTheStoreIsEmpty(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "app.db")
	db := "sqlite:" + path
	runSteps(t, []step{
		{name: "import no rules", args: []string{"policy", "import", "--database", db, "testdata/empty.csv"},
			wantOut: out("created the policy store (table casbin_rule) in " + path + "\n" +
				"imported testdata/empty.csv: 0 rules added, 0 removed; the policy has 0 rules\n")},
		{name: "list", args: []string{"policy", "list", "--database", db}, wantOut: out(""),
			wantErr: "the policy store (table casbin_rule) in " + path + " holds no rules\n"},
		{name: "export", args: []string{"policy", "export", "--database", db}, wantOut: out(""),
			wantErr: "holds no rules"},
		{name: "roles", args: []string{"roles", "--database", db, "--subject", "bob"}, wantOut: out(""),
			wantErr: "bob holds no roles; the policy does not mention bob\n"},
	})
}

func deleteGrant(grants []authz.Grant, g authz.Grant) []authz.Grant {
	var kept []authz.Grant
	for _, x := range grants {
		if x != g {
			kept = append(kept, x)
		}
	}
	return kept
}

func deleteRole(roles []authz.RoleAssignment, a authz.RoleAssignment) []authz.RoleAssignment {
	var kept []authz.RoleAssignment
	for _, x := range roles {
		if x != a {
			kept = append(kept, x)
		}
	}
	return kept
}
