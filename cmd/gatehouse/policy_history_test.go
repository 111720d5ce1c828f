package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPolicyHistory(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "policy.db")
	runSteps(t, []step{
		{name: "import", args: []string{"policy", "import", "--database", db, "--actor", "ann", "testdata/policy.csv"},
			wantOut: out("created the policy store (table casbin_rule) in " + strings.TrimPrefix(db, "sqlite:") + "\n" +
				"imported testdata/policy.csv: 12 rules added, 0 removed; the policy has 12 rules\n")},
		{name: "grant", args: []string{"policy", "grant", "--database", db, "--actor", "ben", "--subject", "editor", "--permission", "pages:update"},
			wantOut: out("added: p, editor, pages:update, any, allow\n")},
		{name: "revoke", args: []string{"policy", "revoke", "--database", db, "--actor", "ann", "--subject", "editor", "--permission", "pages:update"},
			wantOut: out("removed: p, editor, pages:update, any, allow\n")},
		{name: "a refused edit", args: []string{"policy", "revoke", "--database", db, "--actor", "eve", "--subject", "nobody", "--permission", "pages:update"},
			wantCode: exitNo, wantErr: "not found"},
	})

	r := invocation{}.run(t, "policy", "history", "--database", db)
	require.Equal(t, exitOK, r.code, r)
	blocks := strings.Split(strings.TrimSpace(r.stdout), "\n\n")
	require.Len(t, blocks, 3, "import, grant and revoke; the refused edit left nothing: %s", r.stdout)
	assert.Regexp(t, `^revision 3  \S+Z  by ann  from cli\n- p, editor, pages:update, any, allow$`, blocks[0])
	assert.Regexp(t, `^revision 2  \S+Z  by ben  from cli\n\+ p, editor, pages:update, any, allow$`, blocks[1])
	assert.Regexp(t, `^revision 1  \S+Z  by ann  from import\n\+ `, blocks[2])

	r = invocation{}.run(t, "policy", "history", "--database", db, "--actor", "ben")
	assert.Equal(t, 1, strings.Count(r.stdout, "revision "), r)
	r = invocation{}.run(t, "policy", "history", "--database", db, "--subject", "editor", "--limit", "1")
	assert.Contains(t, r.stdout, "revision 3 ", r)
	assert.Equal(t, 1, strings.Count(r.stdout, "revision "), r)
	r = invocation{}.run(t, "policy", "history", "--database", db, "--since", "2999-01-01")
	assert.Equal(t, exitOK, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "no change matches")
	r = invocation{}.run(t, "policy", "history", "--database", db, "--limit", "5000")
	assert.Equal(t, exitError, r.code, r)
	r = invocation{}.run(t, "policy", "history", "--database", db, "--until", "yesterday")
	assert.Equal(t, exitError, r.code, r)
}
