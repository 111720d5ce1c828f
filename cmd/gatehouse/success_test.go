package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEverySuccessSaysSomething runs every command to a success as a new
// user would, and checks that none ends in silence: each prints at least
// one line, on standard output or, where standard output is a list left
// empty, on standard error.
func TestEverySuccessSaysSomething(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "app.db")
	empty := "sqlite:" + filepath.Join(dir, "empty.db")
	for _, setup := range [][]string{
		{"policy", "import", "--database", db, "testdata/policy.csv"},
		{"policy", "import", "--database", empty, "testdata/empty.csv"},
	} {
		r := cli(t, setup...)
		require.Equal(t, exitOK, r.code, r)
	}
	edits := "sqlite:" + filepath.Join(dir, "edits.db")
	tests := [][]string{
		{"help"},
		{"version"},
		{"check", "--subject", "admin", "--permission", "posts:delete"},
		{"check", "--database", db, "--subject", "carol", "--permission", "posts:write"},
		{"enforce", "--model", "testdata/casbin/basic_model.conf", "--policy", "testdata/casbin/basic_policy.csv", "alice", "data1", "read"},
		{"test", "testdata/tables/embedded_test.yaml"},
		{"lint"},
		{"lint", "--policy", "testdata/empty.csv"},
		{"roles", "--subject", "admin"},
		{"roles", "--subject", "user"},
		{"roles", "--subject", "mallory"},
		{"roles", "--database", empty, "--subject", "bob"},
		{"permissions", "--subject", "mallory"},
		{"permissions", "--policy", "testdata/empty.csv", "--subject", "bob"},
		{"who-can", "posts:delete", "posts:42"},
		{"who-can", "--policy", "testdata/relations.csv", "docs:delete", "docs:9"},
		{"what-can", "--policy", "testdata/relations.csv", "carol", "posts:42"},
		{"what-can", "mallory", "posts:42"},
		{"graph"},
		{"graph", "--format", "mermaid", "--policy", "testdata/empty.csv"},
		{"policy", "list", "--database", db},
		{"policy", "list", "--database", empty},
		{"policy", "export", "--database", empty},
		{"policy", "grant", "--database", edits, "--subject", "bob", "--permission", "users:read"},
		{"policy", "deny", "--database", edits, "--subject", "bob", "--permission", "users:delete"},
		{"policy", "revoke", "--database", edits, "--subject", "bob", "--permission", "users:delete", "--effect", "deny"},
		{"policy", "assign", "--database", edits, "--subject", "bob", "--role", "user"},
		{"policy", "unassign", "--database", edits, "--subject", "bob", "--role", "user"},
		{"policy", "share", "--database", edits, "--subject", "carol", "--role", "moderator", "--resource", "posts:42"},
		{"policy", "set-parent", "--database", edits, "--resource", "comments:7", "--parent", "posts:42"},
		{"policy", "remove-parent", "--database", edits, "--resource", "comments:7"},
		{"policy", "unshare", "--database", edits, "--subject", "carol", "--role", "moderator", "--resource", "posts:42"},
		{"policy", "import", "--database", edits, "testdata/policy.csv"},
		{"policy", "import", "--database", edits, "--replace", "testdata/empty.csv"},
	}
	for _, args := range tests {
		// One after another: the edits build on each other.
		r := cli(t, args...)
		require.Equal(t, exitOK, r.code, r)
		said := r.stdout + r.stderr
		assert.NotEmpty(t, strings.TrimSpace(said), "gatehouse %s succeeded in silence", strings.Join(args, " "))
		assert.True(t, strings.HasSuffix(said, "\n"), "gatehouse %s ends its last line\n%s", strings.Join(args, " "), r)
	}
}

// TestJSONIsForMachines checks that --json output is one JSON document and
// nothing else, on standard output and standard error alike.
func TestJSONIsForMachines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
	}{
		{name: "passing", args: []string{"test", "--json", "testdata/tables/embedded_test.yaml"}},
		{name: "with coverage", args: []string{"test", "--json", "--coverage", "testdata/tables/embedded_test.yaml"}},
		{name: "failing", args: []string{"test", "--json", "--policy", "testdata/policy.csv", "testdata/tables/failing_test.yaml"}, wantCode: exitNo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			require.Equal(t, tt.wantCode, r.code, r)
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r)
			assert.Contains(t, doc, "summary")
			assert.Empty(t, r.stderr, r)
		})
	}
}
