package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
)

// readPolicy parses a policy file as the command does.
func readPolicy(t *testing.T, path string) authz.Policy {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	p, err := authz.ParsePolicy(path, string(b))
	require.NoError(t, err)
	return p
}

// step is one run of the command in a sequence that edits one store.
type step struct {
	name     string
	args     []string
	stdin    string
	wantCode int
	// wantOut is the whole of stdout when set; wantErr a part of stderr,
	// which must be empty otherwise.
	wantOut *string
	wantErr string
}

func out(s string) *string { return &s }

func runSteps(t *testing.T, steps []step) {
	t.Helper()
	for _, st := range steps {
		r := invocation{stdin: st.stdin}.run(t, st.args...)
		require.Equal(t, st.wantCode, r.code, "%s\n%s", st.name, r)
		if st.wantOut != nil {
			require.Equal(t, *st.wantOut, r.stdout, "%s\n%s", st.name, r)
		}
		if st.wantErr != "" {
			require.Contains(t, r.stderr, st.wantErr, "%s\n%s", st.name, r)
		} else {
			require.Empty(t, r.stderr, "%s\n%s", st.name, r)
		}
	}
}

func TestPolicyEditsOnSQLite(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "policy.db")
	db := "sqlite:" + path
	blog := readPolicy(t, "testdata/policy.csv").String()
	withBob := strings.Replace(blog, "p, suspended, posts:write, any, deny\n",
		"p, suspended, posts:write, any, deny\np, bob, users:read, any, allow\n", 1)

	runSteps(t, []step{
		{name: "list before the store exists", args: []string{"policy", "list", "--database", db},
			wantCode: exitError, wantErr: "no policy store"},
		{name: "check before the store exists", args: []string{"check", "--database", db, "--subject", "bob", "--permission", "posts:read"},
			wantCode: exitError, wantErr: "no policy store: " + path + " does not exist"},
		{name: "roles before the store exists", args: []string{"roles", "--database", db, "--subject", "bob"},
			wantCode: exitError, wantErr: "no policy store"},
		{name: "export before the store exists", args: []string{"policy", "export", "--database", db},
			wantCode: exitError, wantErr: "no policy store"},
	})
	_, err := os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist, "commands that find no store create no file")

	runSteps(t, []step{
		{name: "import creates the store", args: []string{"policy", "import", "--database", db, "testdata/policy.csv"},
			wantOut: out("created the policy store (table casbin_rule) in " + path + "\n" +
				"imported testdata/policy.csv: 12 rules added, 0 removed; the policy has 12 rules\n")},
		{name: "list", args: []string{"policy", "list", "--database", db}, wantOut: &blog},
		{name: "import again adds nothing", args: []string{"policy", "import", "--database", db, "testdata/policy.csv"},
			wantOut: out("imported testdata/policy.csv: 0 rules added, 0 removed; the policy has 12 rules\n")},

		{name: "grant", args: []string{"policy", "grant", "--database", db, "--subject", "bob", "--permission", "users:read"},
			wantOut: out("added: p, bob, users:read, any, allow\n")},
		{name: "grant twice", args: []string{"policy", "grant", "--database", db, "--subject", "bob", "--permission", "users:read"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule already exists: p, bob, users:read, any, allow"},
		{name: "list shows the grant", args: []string{"policy", "list", "--database", db}, wantOut: &withBob},
		{name: "check reads the store", args: []string{"check", "--database", db, "--subject", "bob", "--permission", "users:read"},
			wantOut: out("allow\nallowed by rule \"p, bob, users:read, any, allow\"\n")},

		{name: "deny", args: []string{"policy", "deny", "--database", db, "--subject", "bob", "--permission", "users:read", "--scope", "own"},
			wantOut: out("added: p, bob, users:read, own, deny\n")},
		{name: "the deny decides", args: []string{"check", "--database", db, "--subject", "bob", "--permission", "users:read", "--owner", "bob"},
			wantCode: exitNo, wantOut: out("deny\ndenied by rule \"p, bob, users:read, own, deny\"\n")},
		{name: "revoke needs the effect", args: []string{"policy", "revoke", "--database", db, "--subject", "bob", "--permission", "users:read", "--scope", "own"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule not found: p, bob, users:read, own, allow"},
		{name: "revoke the deny", args: []string{"policy", "revoke", "--database", db, "--subject", "bob", "--permission", "users:read", "--scope", "own", "--effect", "deny"},
			wantOut: out("removed: p, bob, users:read, own, deny\n")},
		{name: "revoke the grant", args: []string{"policy", "revoke", "--database", db, "--subject", "bob", "--permission", "users:read"},
			wantOut: out("removed: p, bob, users:read, any, allow\n")},
		{name: "revoke twice", args: []string{"policy", "revoke", "--database", db, "--subject", "bob", "--permission", "users:read"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule not found"},
		{name: "back to the file", args: []string{"policy", "list", "--database", db}, wantOut: &blog},

		{name: "assign", args: []string{"policy", "assign", "--database", db, "--subject", "erin", "--role", "moderator"},
			wantOut: out("added: g, erin, moderator\n")},
		{name: "roles read the store", args: []string{"roles", "--database", db, "--subject", "erin"},
			wantOut: out("moderator\nuser\n")},
		{name: "permissions read the store", args: []string{"permissions", "--database", db, "--subject", "admin"},
			wantOut: out("p, user, posts:read, own, allow\np, user, posts:write, any, allow\np, moderator, posts:read, any, allow\np, moderator, posts:delete, any, allow\np, admin, posts:*, any, allow\n")},
		{name: "assign twice", args: []string{"policy", "assign", "--database", db, "--subject", "erin", "--role", "moderator"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule already exists: g, erin, moderator"},
		{name: "assign a cycle", args: []string{"policy", "assign", "--database", db, "--subject", "user", "--role", "admin"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: role inheritance cycle"},
		{name: "assign a role to itself", args: []string{"policy", "assign", "--database", db, "--subject", "user", "--role", "user"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: role inheritance cycle"},
		{name: "unassign", args: []string{"policy", "unassign", "--database", db, "--subject", "erin", "--role", "moderator"},
			wantOut: out("removed: g, erin, moderator\n")},
		{name: "unassign twice", args: []string{"policy", "unassign", "--database", db, "--subject", "erin", "--role", "moderator"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: rule not found: g, erin, moderator"},
		{name: "a bad subject", args: []string{"policy", "grant", "--database", db, "--subject", "bob,alice", "--permission", "posts:read"},
			wantCode: exitError, wantErr: `invalid subject: subject "bob,alice" contains ','`},

		{name: "a bad line changes nothing", args: []string{"policy", "import", "--database", db, "testdata/bad_scope.csv"},
			wantCode: exitError, wantOut: out(""), wantErr: `gatehouse: testdata/bad_scope.csv:4: invalid scope: "everywhere"`},
		{name: "a bad line changes nothing, with --replace", args: []string{"policy", "import", "--replace", "--database", db, "testdata/bad_scope.csv"},
			wantCode: exitError, wantOut: out(""), wantErr: `gatehouse: testdata/bad_scope.csv:4: invalid scope: "everywhere"`},
		{name: "a cycle changes nothing", args: []string{"policy", "import", "--database", db, "testdata/cycle.csv"},
			wantCode: exitNo, wantOut: out(""), wantErr: "gatehouse: role inheritance cycle"},
		{name: "unchanged", args: []string{"policy", "list", "--database", db}, wantOut: &blog},

		{name: "import merges", args: []string{"policy", "import", "--database", db, "testdata/policy_other.csv"},
			wantOut: out("imported testdata/policy_other.csv: 5 rules added, 0 removed; the policy has 17 rules\n")},
		{name: "import --replace after the file", args: []string{"policy", "import", "testdata/policy_other.csv", "--replace", "--database", db},
			wantOut: out("imported testdata/policy_other.csv: 0 rules added, 12 removed; the policy has 5 rules\n")},
		{name: "the store is the other file", args: []string{"policy", "export", "--database", db},
			wantOut: out(readPolicy(t, "testdata/policy_other.csv").String())},
		{name: "import from standard input", args: []string{"policy", "import", "--replace", "--database", db, "-"}, stdin: blog,
			wantOut: out("imported stdin: 12 rules added, 5 removed; the policy has 12 rules\n")},
		{name: "a bad line on standard input", args: []string{"policy", "import", "--database", db, "-"}, stdin: "g, bob, user\np, bob\n",
			wantCode: exitError, wantOut: out(""), wantErr: "gatehouse: stdin:2: a grant has 4 values"},
		{name: "export", args: []string{"policy", "export", "--database", db}, wantOut: &blog},
	})
}

func TestPolicyExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	from, to := "sqlite:"+filepath.Join(dir, "from.db"), "sqlite:"+filepath.Join(dir, "to.db")
	runSteps(t, []step{
		{name: "seed", args: []string{"policy", "import", "--database", from, "testdata/graph_names.csv"},
			wantOut: out("created the policy store (table casbin_rule) in " + filepath.Join(dir, "from.db") + "\n" +
				"imported testdata/graph_names.csv: 12 rules added, 0 removed; the policy has 12 rules\n")},
		{name: "edit", args: []string{"policy", "deny", "--database", from, "--subject", "x#y&z`q", "--permission", "users:delete"},
			wantOut: out("added: p, x#y&z`q, users:delete, any, deny\n")},
	})
	exported := cli(t, "policy", "export", "--database", from)
	require.Equal(t, exitOK, exported.code, exported)
	file := filepath.Join(dir, "exported.csv")
	require.NoError(t, os.WriteFile(file, []byte(exported.stdout), 0o600))

	runSteps(t, []step{
		{name: "import the export", args: []string{"policy", "import", "--replace", "--database", to, file}},
		{name: "the same policy", args: []string{"policy", "export", "--database", to}, wantOut: &exported.stdout},
		{name: "lint reads it", args: []string{"lint", "--policy", file}},
	})
}

func TestPolicyTable(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "tables.db")
	db := "sqlite:" + path
	runSteps(t, []step{
		{name: "import into a table", args: []string{"policy", "import", "--database", db, "--table", "blog_rules", "testdata/policy.csv"},
			wantOut: out("created the policy store (table blog_rules) in " + path + "\n" +
				"imported testdata/policy.csv: 12 rules added, 0 removed; the policy has 12 rules\n")},
		{name: "the default table is not there", args: []string{"policy", "list", "--database", db},
			wantCode: exitError, wantErr: "has no table casbin_rule"},
		{name: "roles from the table", args: []string{"roles", "--database", db, "--table", "blog_rules", "--subject", "carol"},
			wantOut: out("moderator\nuser\n")},
		{name: "a table name that is not an identifier", args: []string{"policy", "import", "--database", db, "--table", "rules; drop", "testdata/policy.csv"},
			wantCode: exitError, wantErr: `table name "rules; drop"`},
	})
}

func TestPolicyDatabaseErrors(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-password"
	tests := []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"unknown scheme", []string{"policy", "list", "--database", "oracle://u:" + secret + "@db/x"}, nil, "invalid database DSN"},
		{"no scheme", []string{"policy", "list", "--database", "policy.db"}, nil, "has no scheme"},
		{"server not answering", []string{"policy", "list", "--database", "postgres://u:" + secret + "@127.0.0.1:1/x?sslmode=disable&connect_timeout=5"}, nil, "postgres://u:xxxxx@127.0.0.1:1/x"},
		{"server not answering, for an edit", []string{"policy", "grant", "--subject", "bob", "--permission", "posts:read",
			"--database", "mysql://u:" + secret + "@127.0.0.1:1/x"}, nil, "mysql://u:xxxxx@127.0.0.1:1/x"},
		{"database from the environment", []string{"policy", "list"}, []string{"GATEHOUSE_DATABASE=postgres://u:" + secret + "@127.0.0.1:1/x?connect_timeout=5"}, "postgres://u:xxxxx@127.0.0.1:1/x"},
		{"redis not answering", []string{"policy", "import", "--database", "sqlite:" + filepath.Join(t.TempDir(), "r.db"),
			"--redis", "redis://:" + secret + "@127.0.0.1:1/0", "testdata/policy.csv"}, nil, "redis redis://:xxxxx@127.0.0.1:1/0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{env: tt.env}.run(t, tt.args...)
			assert.Equal(t, exitError, r.code, r)
			assert.Empty(t, r.stdout, r)
			assert.Contains(t, r.stderr, tt.want, r)
			assert.NotContains(t, r.stderr, secret, "a password is never printed")
		})
	}
}

func TestPolicyHelpPrintsNoPassword(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-password"
	env := []string{"GATEHOUSE_DATABASE=postgres://u:" + secret + "@db/x", "GATEHOUSE_REDIS=redis://:" + secret + "@cache/0"}
	for _, c := range policyCommands() {
		r := invocation{env: env}.run(t, "policy", c.name, "--help")
		assert.Equal(t, exitOK, r.code, r)
		assert.Contains(t, r.stdout, "$GATEHOUSE_DATABASE", r)
		assert.NotContains(t, r.stdout, secret, r)
	}
}
