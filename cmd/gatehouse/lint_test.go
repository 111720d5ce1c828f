package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{name: "embedded policy is clean", args: nil, wantCode: exitOK,
			want: []string{"no findings in the 20 rules of policy.csv (embedded)"}},
		{name: "clean file", args: []string{"--policy", "testdata/policy.csv"}, wantCode: exitOK,
			want: []string{"no findings in the 12 rules of testdata/policy.csv"}},
		{name: "clean file and model", args: []string{"--model", "../../model.conf", "--policy", "testdata/policy.csv"}, wantCode: exitOK,
			want: []string{"no findings in the 12 rules of testdata/policy.csv, with the model ../../model.conf"}},
		{name: "a file of no rules", args: []string{"--policy", "testdata/empty.csv"}, wantCode: exitOK,
			want: []string{"no findings in testdata/empty.csv, which has no rules"}},
		{
			name: "findings, a malformed line among them", args: []string{"--policy", "testdata/lint_findings.csv"}, wantCode: exitNo,
			want: []string{
				"testdata/lint_findings.csv:3: [duplicate] p, user, posts:read, own, allow is a duplicate of line 2",
				`testdata/lint_findings.csv:4: [malformed] p, user, posts:write, sometimes, allow: invalid scope: "sometimes": want "any" or "own"`,
				`testdata/lint_findings.csv:5: [undefined-role] g, bob, usr: role "usr" grants nothing: no p line names it or a role it holds; did you mean "user"?`,
			},
		},
		{
			name: "a cycle", args: []string{"--policy", "testdata/cycle.csv"}, wantCode: exitNo,
		},
		{
			name: "relations, parents and expiries", args: []string{"--policy", "testdata/relation_findings.csv"}, wantCode: exitNo,
			want: []string{
				`testdata/relation_findings.csv:4: [undefined-relation-role] g2, carol, edtor, posts:42: role "edtor" grants nothing: ` +
					`no p line names it or a role it holds, so the relation allows nothing; did you mean "editor"?`,
				`testdata/relation_findings.csv:5: [relation-type-mismatch] g2, dan, viewer, posts:43: role "viewer" grants nothing on posts; ` +
					`only on docs, so the relation allows nothing`,
				`testdata/relation_findings.csv:6: [expired] g2, erin, editor, posts:42, until 2001-01-01T00:00:00Z expired on ` +
					`2001-01-01T00:00:00Z: decisions ignore it, and Engine.SweepExpired removes it; remove the line, or give it a later expiry`,
				`testdata/relation_findings.csv:8: [expiry-conflict] g2, frank, editor, posts:42 is line 7 with another expiry ` +
					`(g2, frank, editor, posts:42, until 2999-01-01T00:00:00Z); the engine keeps a rule once, so the policy does not load: ` +
					`keep the line with the expiry meant`,
				`testdata/relation_findings.csv:9: [parent-cycle] g3, docs:9, folders:7 is part of a loop of parents: ` +
					`docs:9 -> folders:7 -> docs:9 (lines 9, 10); a resource cannot be inside itself, so the policy does not load: ` +
					`remove the line that is not meant`,
				`testdata/relation_findings.csv:11: [parent-conflict] g3, docs:9, folders:8: "docs:9" is inside "folders:7" already ` +
					`(line 9); a resource has one parent, so the policy does not load`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, append([]string{"lint"}, tt.args...)...)
			assert.Equal(t, tt.wantCode, r.code, r)
			assert.Empty(t, r.stderr, r)
			if tt.want != nil {
				assert.Equal(t, tt.want, lines(r.stdout), r)
			}
			assert.NotEmpty(t, r.stdout, "every run says what it found")
		})
	}
}

// TestLintAt judges expiries as of a given time.
func TestLintAt(t *testing.T) {
	t.Parallel()
	r := cli(t, "lint", "--policy", "testdata/relations.csv", "--at", "2000-12-31T23:59:59Z")
	assert.Equal(t, exitOK, r.code, r)
	assert.Equal(t, []string{"no findings in the 17 rules of testdata/relations.csv"}, lines(r.stdout), r)

	r = cli(t, "lint", "--policy", "testdata/relations.csv", "--at", "2999-01-01T00:00:00+00:00")
	assert.Equal(t, exitNo, r.code, r)
	assert.Equal(t, []string{
		"testdata/relations.csv:11: [expired] g2, erin, editor, posts:42, until 2001-01-01T00:00:00Z expired on 2001-01-01T00:00:00Z: " +
			"decisions ignore it, and Engine.SweepExpired removes it; remove the line, or give it a later expiry",
		"testdata/relations.csv:12: [expired] g2, frank, editor, posts:42, until 2999-01-01T00:00:00Z expired on 2999-01-01T00:00:00Z: " +
			"decisions ignore it, and Engine.SweepExpired removes it; remove the line, or give it a later expiry",
	}, lines(r.stdout), r)

	r = cli(t, "lint", "--at", "Friday")
	assert.Equal(t, exitError, r.code, r)
	assert.Contains(t, r.stderr, `gatehouse lint: --at "Friday": want a time in RFC 3339`, r)
}

func TestLintRefusesAnUnsupportedModel(t *testing.T) {
	t.Parallel()
	r := cli(t, "lint", "--model", "testdata/casbin/rbac_model.conf", "--policy", "testdata/policy.csv")
	assert.Equal(t, exitError, r.code, r)
	assert.Contains(t, r.stderr, "unsupported model: testdata/casbin/rbac_model.conf", r)
}
