package policylint_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

func TestLintCancelled(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "the same permission denied",
			policy: policy(
				"p, bob, posts:write, any, allow",
				"p, bob, posts:write, any, deny",
			),
			want: []want{{1, policylint.CheckCancelled, []string{
				"p, bob, posts:write, any, allow never takes effect: line 2 denies it (p, bob, posts:write, any, deny)",
			}}},
		},
		{
			name: "the resource wildcard denied",
			policy: policy(
				"p, bob, posts:*, any, deny",
				"p, bob, posts:read, own, allow",
			),
			want: []want{{2, policylint.CheckCancelled, []string{"line 1 denies it"}}},
		},
		{
			name: "an own allow under an any deny",
			policy: policy(
				"p, bob, posts:read, own, allow",
				"p, bob, posts:read, any, deny",
			),
			want: []want{{1, policylint.CheckCancelled, nil}},
		},
		{
			name: "denied to a role the subject holds",
			policy: policy(
				"p, carol, posts:write, any, allow",
				"g, carol, staff",
				"g, staff, suspended",
				"p, suspended, posts:*, any, deny",
			),
			want: []want{{1, policylint.CheckCancelled, []string{
				`line 4 denies it (p, suspended, posts:*, any, deny) to "suspended", a role "carol" holds (lines 2, 3)`,
			}}},
		},
		{
			name: "one finding naming the first deny",
			policy: policy(
				"p, bob, posts:write, any, allow",
				"p, bob, posts:write, own, deny",
				"p, bob, posts:write, any, deny",
				"p, bob, posts:*, any, deny",
			),
			want: []want{
				{1, policylint.CheckCancelled, []string{"line 3 denies it"}},
				{2, policylint.CheckShadowed, []string{"line 3"}},
				{3, policylint.CheckShadowed, []string{"line 4"}},
			},
		},
		{
			name: "an own deny leaves others' resources allowed",
			policy: policy(
				"p, bob, posts:read, any, allow",
				"p, bob, posts:read, own, deny",
			),
		},
		{
			name: "a deny on a member leaves the role's allow to others",
			policy: policy(
				"p, user, posts:write, any, allow",
				"g, bob, user",
				"p, bob, posts:write, any, deny",
			),
		},
		{
			name: "a deny of one action leaves the wildcard's others",
			policy: policy(
				"p, bob, posts:*, any, allow",
				"p, bob, posts:delete, any, deny",
			),
		},
		{
			name: "a deny on another resource or subject",
			policy: policy(
				"p, bob, posts:read, any, allow",
				"p, bob, comments:*, any, deny",
				"p, carol, posts:read, any, deny",
			),
		},
		{
			name: "a role nobody in the file holds",
			policy: policy(
				"p, user, posts:write, any, allow",
				"p, suspended, posts:write, any, deny",
			),
		},
	})
}

func TestLintShadowed(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "covered by the wildcard",
			policy: policy(
				"p, admin, posts:read, any, allow",
				"p, admin, posts:*, any, allow",
			),
			want: []want{{1, policylint.CheckShadowed, []string{
				"p, admin, posts:read, any, allow is redundant: line 2 (p, admin, posts:*, any, allow) already allows it",
			}}},
		},
		{
			name: "own covered by any",
			policy: policy(
				"p, moderator, posts:read, any, allow",
				"p, moderator, posts:read, own, allow",
			),
			want: []want{{2, policylint.CheckShadowed, []string{"line 1"}}},
		},
		{
			name: "a deny covered by a deny",
			policy: policy(
				"p, suspended, posts:*, any, deny",
				"p, suspended, posts:write, own, deny",
			),
			want: []want{{2, policylint.CheckShadowed, []string{"already denies it"}}},
		},
		{
			name: "any is not covered by own",
			policy: policy(
				"p, user, posts:read, any, allow",
				"p, user, posts:*, own, allow",
			),
		},
		{
			name: "grants of a role the subject holds are not compared",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, moderator, posts:read, own, allow",
				"g, moderator, user",
			),
		},
		{
			name: "different actions",
			policy: policy(
				"p, user, posts:read, any, allow",
				"p, user, posts:write, any, allow",
			),
		},
	})
}
