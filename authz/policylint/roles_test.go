package policylint_test

import (
	"fmt"
	"testing"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

// roleChain returns the assignments of a chain of n from first through
// r1, r2, …: "g, first, r1", "g, r1, r2", … and a grant to its last role.
func roleChain(first string, n int) []string {
	rules := []string{fmt.Sprintf("g, %s, r1", first)}
	for i := 1; i < n; i++ {
		rules = append(rules, fmt.Sprintf("g, r%d, r%d", i, i+1))
	}
	return append(rules, fmt.Sprintf("p, r%d, posts:read, any, allow", n))
}

func TestLintUndefinedRole(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "typo of a role",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, moderator, posts:delete, any, allow",
				"g, moderator, usr",
			),
			want: []want{{3, policylint.CheckUndefinedRole, []string{`role "usr" grants nothing`, `did you mean "user"?`}}},
		},
		{
			name: "a role differing only in case",
			policy: policy(
				"p, moderator, posts:delete, any, allow",
				"g, carol, Moderator",
			),
			want: []want{{2, policylint.CheckUndefinedRole, []string{`did you mean "moderator"?`}}},
		},
		{
			name: "nothing close to suggest",
			policy: policy(
				"p, user, posts:read, own, allow",
				"g, bob, auditor",
			),
			want: []want{{2, policylint.CheckUndefinedRole, []string{`role "auditor" grants nothing`}}},
		},
		{
			name: "reported at each line naming it",
			policy: policy(
				"p, user, posts:read, own, allow",
				"g, bob, staff",
				"g, carol, staff",
			),
			want: []want{
				{2, policylint.CheckUndefinedRole, []string{`"staff"`}},
				{3, policylint.CheckUndefinedRole, []string{`"staff"`}},
			},
		},
		{
			name: "a chain that grants nothing anywhere",
			policy: policy(
				"p, user, posts:read, own, allow",
				"g, bob, staff",
				"g, staff, team",
			),
			want: []want{
				{2, policylint.CheckUndefinedRole, []string{`"staff"`}},
				{3, policylint.CheckUndefinedRole, []string{`"team"`}},
			},
		},
		{
			name: "a role that grants through the roles it holds",
			policy: policy(
				"g, alice, staff",
				"g, staff, senior",
				"g, senior, user",
				"p, user, posts:read, own, allow",
			),
		},
		{
			name: "a role that only denies",
			policy: policy(
				"g, mallory, suspended",
				"p, suspended, posts:write, any, deny",
			),
		},
		{
			name: "a name only on the left is a subject",
			policy: policy(
				"p, user, posts:read, own, allow",
				"g, bob, user",
				"g, carol, user",
			),
		},
		{
			name:   "subjects may hold subjects that have grants",
			policy: policy("p, alice, posts:read, any, allow", "g, bob, alice"),
		},
	})
}

func TestLintCycle(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name:   "a role holding itself",
			policy: policy("p, a, posts:read, any, allow", "g, a, a"),
			want:   []want{{2, policylint.CheckCycle, []string{`"a" cannot hold itself`}}},
		},
		{
			name: "two roles holding each other",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, moderator, posts:delete, any, allow",
				"g, moderator, user",
				"g, user, moderator",
			),
			want: []want{{3, policylint.CheckCycle, []string{"moderator -> user -> moderator", "(lines 3, 4)"}}},
		},
		{
			name: "a loop of three, reported once at its first line",
			policy: policy(
				"p, a, posts:read, any, allow",
				"g, b, c",
				"g, bob, a",
				"g, a, b",
				"g, c, a",
			),
			want: []want{{2, policylint.CheckCycle, []string{"b -> c -> a -> b", "(lines 2, 4, 5)"}}},
		},
		{
			name: "several loops among the same roles",
			policy: policy(
				"p, a, posts:read, any, allow",
				"g, a, b",
				"g, b, a",
				"g, b, c",
				"g, c, b",
			),
			want: []want{{2, policylint.CheckCycle, []string{"roles a, b, c", "(lines 2, 3, 4, 5)"}}},
		},
		{
			name: "two separate loops",
			policy: policy(
				"p, a, posts:read, any, allow",
				"p, c, posts:read, any, allow",
				"g, a, b",
				"g, c, d",
				"g, b, a",
				"g, d, c",
			),
			want: []want{
				{3, policylint.CheckCycle, []string{"a -> b -> a", "(lines 3, 5)"}},
				{4, policylint.CheckCycle, []string{"c -> d -> c", "(lines 4, 6)"}},
			},
		},
		{
			name: "a diamond is not a loop",
			policy: policy(
				"p, top, posts:read, any, allow",
				"g, admin, left",
				"g, admin, right",
				"g, left, top",
				"g, right, top",
			),
		},
	})
}

func TestLintTooDeep(t *testing.T) {
	t.Parallel()
	limit := authz.MaxRoleDepth
	runLintCases(t, []lintCase{
		{
			name:   "a chain one longer than the limit",
			policy: policy(roleChain("bob", limit+1)...),
			want: []want{{limit + 1, policylint.CheckTooDeep, []string{
				fmt.Sprintf("assignment %d in the chain from \"bob\" (lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)", limit+1),
				fmt.Sprintf("\"bob\" does not inherit \"r%d\"", limit+1),
			}}},
		},
		{
			name:   "each assignment past the limit",
			policy: policy(roleChain("bob", limit+2)...),
			want: []want{
				{limit + 1, policylint.CheckTooDeep, []string{`from "bob"`}},
				{limit + 2, policylint.CheckTooDeep, []string{`from "r1"`}},
			},
		},
		{
			name:   "a chain as long as the limit",
			policy: policy(roleChain("bob", limit)...),
		},
		{
			name:   "a longer chain that a shorter one bypasses",
			policy: policy(append(roleChain("bob", limit+1), "g, r1, r9")...),
		},
		{
			name: "a long loop is left to the cycle check",
			policy: policy(append(roleChain("bob", limit+2),
				fmt.Sprintf("g, r%d, r1", limit+2))...),
			want: []want{{2, policylint.CheckCycle, nil}},
		},
	})
}
