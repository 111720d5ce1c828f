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
			want: []string{"no findings in the 14 rules of policy.csv (embedded)"}},
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

func TestLintRefusesAnUnsupportedModel(t *testing.T) {
	t.Parallel()
	r := cli(t, "lint", "--model", "testdata/casbin/rbac_model.conf", "--policy", "testdata/policy.csv")
	assert.Equal(t, exitError, r.code, r)
	assert.Contains(t, r.stderr, "unsupported model: testdata/casbin/rbac_model.conf", r)
}
