package authztest_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

// coverWith evaluates table on an engine holding policy and returns which
// of policy's lines it covers, by line number.
func coverWith(t *testing.T, policy string, table authztest.Table) (authztest.Coverage, []int) {
	t.Helper()
	e, err := authz.New(t.Context(), authz.WithPolicy(policy))
	require.NoError(t, err)
	report, err := authztest.Evaluate(t.Context(), e, table)
	require.NoError(t, err)
	require.Zero(t, report.Failed, "%v", report.Results)
	coverage := authztest.Cover(e, authz.ScanPolicy("policy.csv", policy), report)
	var covered []int
	for i, l := range coverage.Lines {
		if coverage.Covered[i] {
			covered = append(covered, l.Line)
		}
	}
	return coverage, covered
}

func TestCover(t *testing.T) {
	t.Parallel()
	policy := strings.Join([]string{
		"# A wiki.",                          // 1
		"p, reader, docs:read, any, allow",   // 2: decides ed docs:read
		"p, editor, docs:write, any, allow",  // 3: decides ed docs:write
		"g, editor, reader",                  // 4: carries ed to reader
		"p, reader, docs:read, any, allow",   // 5: the rule of line 2, again
		"p, editor, docs:delete, own, allow", // 6: no case
		"g, admin, editor",                   // 7: nobody holds admin
		"p, banned, docs:write, any, deny",   // 8: decides bo docs:write
	}, "\n")
	coverage, covered := coverWith(t, policy, authztest.Table{
		Roles: map[string][]string{"ed": {"editor"}, "bo": {"editor", "banned"}},
		Cases: []authztest.Case{
			{Subject: "ed", Permission: "docs:read", Allow: true, Rule: "p, reader, docs:read, any, allow"},
			{Subject: "ed", Permission: "docs:write", Allow: true},
			{Subject: "bo", Permission: "docs:write", Rule: "p, banned, docs:write, any, deny"},
			{Subject: "ed", Permission: "docs:delete", Owner: "al", Rule: authztest.NoRule},
			{Subject: "mallory", Permission: "docs:read"},
		},
	})
	assert.Equal(t, []int{2, 3, 4, 5, 8}, covered)
	require.Len(t, coverage.Lines, 7, "the comment is not a rule line")
	require.Len(t, coverage.Covered, 7)
	var uncovered []string
	for _, l := range coverage.Uncovered {
		uncovered = append(uncovered, l.Text)
	}
	assert.Equal(t, []string{"p, editor, docs:delete, own, allow", "g, admin, editor"}, uncovered)
	assert.InDelta(t, 5.0/7*100, coverage.Percent, 1e-9)
}

// TestCoverChains: a "g" line is covered when it is on a shortest chain
// from a case's subject to the subject of the deciding rule.
func TestCoverChains(t *testing.T) {
	t.Parallel()
	const grant = "p, reader, docs:read, any, allow"
	tests := []struct {
		name    string
		policy  []string
		roles   []string // al's fixture roles
		covered []int    // line numbers
	}{
		{
			name:    "a rule of the subject itself needs no chain",
			policy:  []string{"p, al, docs:read, any, allow", grant, "g, al, reader"},
			covered: []int{1},
		},
		{
			name:    "the chain starts with a fixture",
			policy:  []string{grant, "g, senior, editor", "g, editor, reader", "g, admin, senior"},
			roles:   []string{"senior"},
			covered: []int{1, 2, 3},
		},
		{
			name:    "equally short chains are all covered",
			policy:  []string{grant, "g, senior, editor", "g, senior, reviewer", "g, editor, reader", "g, reviewer, reader"},
			roles:   []string{"senior"},
			covered: []int{1, 2, 3, 4, 5},
		},
		{
			name:    "a longer chain is not",
			policy:  []string{grant, "g, senior, editor", "g, editor, reader", "g, senior, reader"},
			roles:   []string{"senior"},
			covered: []int{1, 4},
		},
		{
			name:    "a fixture can be the whole chain",
			policy:  []string{grant, "g, senior, editor", "g, editor, reader"},
			roles:   []string{"senior", "reader"},
			covered: []int{1},
		},
		{
			name:    "duplicate role lines are covered together",
			policy:  []string{grant, "g, editor, reader", "g, editor, reader"},
			roles:   []string{"editor"},
			covered: []int{1, 2, 3},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, covered := coverWith(t, strings.Join(tc.policy, "\n"), authztest.Table{
				Roles: map[string][]string{"al": tc.roles},
				Cases: []authztest.Case{{Subject: "al", Permission: "docs:read", Allow: true}},
			})
			assert.Equal(t, tc.covered, covered)
		})
	}
}

func TestCoverCountsOnlyDecidedCases(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	lines := authz.ScanPolicy("policy.csv", "p, user, posts:read, own, allow\nthis is not a rule\n")
	undecided := authztest.Report{Results: []authztest.Result{
		{Case: authztest.Case{Subject: "bob", Permission: "posts:*"}, Err: authztest.ErrInvalidTable},
		{Decision: authz.Decision{Request: authz.Request{Subject: "bob", Permission: "posts:read"}}},
	}}
	coverage := authztest.Cover(e, lines, undecided)
	require.Len(t, coverage.Lines, 1, "a line that does not parse is left out")
	assert.Equal(t, []bool{false}, coverage.Covered)
	assert.Zero(t, coverage.Percent)
}

func TestCoverWithoutLines(t *testing.T) {
	t.Parallel()
	coverage := authztest.Cover(newEngine(t), nil)
	assert.Empty(t, coverage.Lines)
	assert.Empty(t, coverage.Uncovered)
	assert.InDelta(t, 100.0, coverage.Percent, 0)
}
