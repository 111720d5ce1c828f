package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
)

func TestTestCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{
			name: "passing", args: []string{"--policy", "testdata/policy.csv", "testdata/tables/blog_test.yaml"},
			wantCode: exitOK, want: []string{"6 passed, 0 failed"},
		},
		{
			name: "several tables", args: []string{"--policy", "testdata/policy.csv", "testdata/tables/blog_test.yaml", "testdata/tables/roles_test.yaml"},
			wantCode: exitOK, want: []string{"9 passed, 0 failed"},
		},
		{
			name: "failing", args: []string{"--policy", "testdata/policy.csv", "testdata/tables/failing_test.yaml"},
			wantCode: exitNo, want: []string{
				`testdata/tables/failing_test.yaml:8: users delete their own posts (bob posts:delete owner bob): want allow, got denied: no rule grants "posts:delete" to "bob" on resource owned by "bob"`,
				"1 passed, 1 failed",
			},
		},
		{
			name: "failing among passing", args: []string{"testdata/tables/failing_test.yaml", "--policy", "testdata/policy.csv", "testdata/tables/blog_test.yaml"},
			wantCode: exitNo, want: []string{
				`testdata/tables/failing_test.yaml:8: users delete their own posts (bob posts:delete owner bob): want allow, got denied: no rule grants "posts:delete" to "bob" on resource owned by "bob"`,
				"7 passed, 1 failed",
			},
		},
		{
			name: "coverage", args: []string{"--policy", "testdata/policy.csv", "--coverage", "testdata/tables/blog_test.yaml"},
			wantCode: exitOK, want: []string{
				"6 passed, 0 failed",
				"testdata/policy.csv:6: p, admin, posts:*, any, allow",
				"testdata/policy.csv:8: g, moderator, user",
				"testdata/policy.csv:9: g, admin, moderator",
				"testdata/policy.csv:12: g, dave, user",
				"coverage: 66.7% of 12 policy lines",
			},
		},
		{
			name:     "relations, parents and expiries, with their coverage",
			args:     []string{"--policy", "testdata/relations.csv", "--coverage", "testdata/tables/relations_test.yaml"},
			wantCode: exitOK, want: []string{
				"7 passed, 0 failed",
				"testdata/relations.csv:3: p, editor, posts:read, any, allow",
				"testdata/relations.csv:5: p, user, posts:update, own, allow",
				"testdata/relations.csv:6: p, admin, posts:*, any, allow",
				"testdata/relations.csv:7: p, blocked, posts:update, any, deny",
				"testdata/relations.csv:9: g, bob, user",
				"testdata/relations.csv:11: g2, erin, editor, posts:42, until 2001-01-01T00:00:00Z",
				"testdata/relations.csv:13: g2, gus, editor, posts:42",
				"testdata/relations.csv:14: g2, gus, blocked, posts:42",
				"coverage: 52.9% of 17 policy lines",
			},
		},
		{
			name: "coverage across tables", args: []string{"--policy", "testdata/policy.csv", "--coverage", "testdata/tables/blog_test.yaml", "testdata/tables/roles_test.yaml"},
			wantCode: exitOK, want: []string{
				"9 passed, 0 failed",
				"testdata/policy.csv:9: g, admin, moderator",
				"coverage: 91.7% of 12 policy lines",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, append([]string{"test"}, tt.args...)...)
			assert.Equal(t, tt.wantCode, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Empty(t, r.stderr, r)
		})
	}
}

// --threshold fails a run whose cases pass but whose coverage is short.
func TestTestThreshold(t *testing.T) {
	t.Parallel()
	tables := []string{"--policy", "testdata/policy.csv", "testdata/tables/blog_test.yaml", "testdata/tables/roles_test.yaml"}
	tests := []struct {
		threshold string
		wantCode  int
		wantErr   string
	}{
		{"90", exitOK, ""},
		{"91.7", exitOK, ""},
		{"95", exitNo, "gatehouse test: coverage 91.7% is below the threshold of 95%"},
		{"101", exitError, "--threshold 101: use a percentage from 0 to 100"},
		{"lots", exitError, "invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.threshold, func(t *testing.T) {
			t.Parallel()
			r := cli(t, append([]string{"test", "--threshold", tt.threshold}, tables...)...)
			assert.Equal(t, tt.wantCode, r.code, r)
			if tt.wantErr == "" {
				assert.Empty(t, r.stderr, r)
				assert.Contains(t, r.stdout, "coverage: 91.7% of 12 policy lines", "--threshold implies --coverage")
			} else {
				assert.Contains(t, r.stderr, tt.wantErr, r)
			}
		})
	}
}

// TestTestEmbeddedPolicyCoverage runs a table against the embedded
// default policy, whose lines it reads rather than restates.
func TestTestEmbeddedPolicyCoverage(t *testing.T) {
	t.Parallel()
	r := cli(t, "test", "--coverage", "testdata/tables/embedded_test.yaml")
	assert.Equal(t, exitOK, r.code, r)
	assert.Empty(t, r.stderr, r)

	const deny = "p, suspended, posts:write, any, deny" // the one line the table exercises
	var want []string
	all := authz.ScanPolicy(embeddedPolicySource, gatehouse.DefaultPolicy())
	for _, l := range all {
		require.Nil(t, l.Err)
		if l.Text != deny {
			want = append(want, fmt.Sprintf("%s:%d: %s", l.Source, l.Line, l.Text))
		}
	}
	require.Len(t, want, len(all)-1, "the default policy has %q", deny)
	want = append([]string{"2 passed, 0 failed"}, want...)
	want = append(want, fmt.Sprintf("coverage: %.1f%% of %d policy lines", 100/float64(len(all)), len(all)))
	assert.Equal(t, want, lines(r.stdout))
}

func TestTestVerbose(t *testing.T) {
	t.Parallel()
	r := cli(t, "test", "--verbose", "--policy", "testdata/policy.csv", "testdata/tables/failing_test.yaml")
	assert.Equal(t, exitNo, r.code, r)
	got := lines(r.stdout)
	require.Len(t, got, 3, r)
	assert.Equal(t, "testdata/tables/failing_test.yaml:3: bob posts:read owner bob: passed", got[0])
}

func TestTestJSON(t *testing.T) {
	t.Parallel()
	r := cli(t, "test", "--json", "--coverage", "--policy", "testdata/policy.csv", "testdata/tables/failing_test.yaml", "testdata/tables/roles_test.yaml")
	assert.Equal(t, exitNo, r.code, r)
	assert.Empty(t, r.stderr, r)
	var doc testJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r)

	assert.Equal(t, summaryJSON{Tables: 2, Passed: 4, Failed: 1}, doc.Summary)
	require.Len(t, doc.Results, 5)
	assert.Equal(t, resultJSON{
		Table: "testdata/tables/failing_test.yaml", Source: "testdata/tables/failing_test.yaml", Line: 8,
		Case: "users delete their own posts", Subject: "bob", Permission: "posts:delete", Owner: "bob",
		Want: "allow", Got: "deny", Passed: false,
		Reason:  `denied: no rule grants "posts:delete" to "bob" on resource owned by "bob"`,
		Problem: `want allow, got denied: no rule grants "posts:delete" to "bob" on resource owned by "bob"`,
	}, doc.Results[1])
	assert.Equal(t, resultJSON{
		Table: "fixture roles", Source: "testdata/tables/roles_test.yaml", Line: 9,
		Case: "alice posts:update owner bob", Subject: "alice", Permission: "posts:update", Owner: "bob",
		Want: "allow", WantRule: "p, admin, posts:*, any, allow", Got: "allow", Passed: true,
		Rule: "p, admin, posts:*, any, allow", Reason: `allowed by rule "p, admin, posts:*, any, allow"`,
	}, doc.Results[2])

	require.NotNil(t, doc.Coverage)
	assert.Equal(t, 12, doc.Coverage.Lines)
	assert.Equal(t, 6, doc.Coverage.Covered)
	assert.InDelta(t, 50.0, doc.Coverage.Percent, 0.001)
	assert.Len(t, doc.Coverage.Uncovered, 6)
	assert.Contains(t, doc.Coverage.Uncovered, lineJSON{Source: "testdata/policy.csv", Line: 9, Text: "g, admin, moderator"})

	r = cli(t, "test", "--json", "--policy", "testdata/policy.csv", "testdata/tables/blog_test.yaml")
	assert.Equal(t, exitOK, r.code, r)
	var noCoverage map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &noCoverage), r)
	assert.NotContains(t, noCoverage, "coverage", "coverage only with --coverage")
	assert.Contains(t, noCoverage, "results")
	assert.Contains(t, noCoverage, "summary")
}

func TestTestJSONOfRelations(t *testing.T) {
	t.Parallel()
	r := cli(t, "test", "--json", "--policy", "testdata/relations.csv", "testdata/tables/relations_test.yaml")
	assert.Equal(t, exitOK, r.code, r)
	var doc testJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r)
	require.Len(t, doc.Results, 7)
	assert.Equal(t, resultJSON{
		Table: "relations", Source: "testdata/tables/relations_test.yaml", Line: 5,
		Case: "carol posts:update on posts:42 at 2026-12-04T12:00:00Z", Subject: "carol", Permission: "posts:update",
		ID: "42", At: "2026-12-04T12:00:00Z", Want: "allow", WantRule: "p, editor, posts:update, any, allow",
		WantRelation: "g2, carol, editor, posts:42", Got: "allow", Rule: "p, editor, posts:update, any, allow",
		Relation: "g2, carol, editor, posts:42", Passed: true,
		Reason: `allowed by rule "p, editor, posts:update, any, allow" through relation "g2, carol, editor, posts:42"`,
	}, doc.Results[0])
	assert.Equal(t, "2998-12-31T23:59:59Z", doc.Results[3].At, "a case's own time")
}
