package policylint_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

func TestLintCaseMismatch(t *testing.T) {
	t.Parallel()
	runLintCases(t, []lintCase{
		{
			name: "a resource",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, user, Posts:write, own, allow",
			),
			want: []want{{2, policylint.CheckCaseMismatch, []string{`resource "Posts" differs only in case from "posts" on line 1`}}},
		},
		{
			name: "an action",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, moderator, posts:READ, any, allow",
			),
			want: []want{{2, policylint.CheckCaseMismatch, []string{`permission "posts:READ" differs only in case from "posts:read" on line 1`}}},
		},
		{
			name: "a subject and a role",
			policy: policy(
				"p, Admin, users:*, any, allow",
				"g, alice, admin",
				"g, Alice, Admin",
			),
			want: []want{
				{2, policylint.CheckUndefinedRole, []string{`did you mean "Admin"?`}},
				{3, policylint.CheckCaseMismatch, []string{`name "Alice" differs only in case from "alice" on line 2`}},
			},
		},
		{
			name: "several in one line, one finding",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, User, Posts:read, own, allow",
			),
			want: []want{{2, policylint.CheckCaseMismatch, []string{`name "User"`, `resource "Posts"`}}},
		},
		{
			name: "a subject spelled two ways",
			policy: policy(
				"p, user, posts:read, own, allow",
				"g, Bob, user",
				"p, bob, posts:write, own, allow",
			),
			want: []want{{3, policylint.CheckCaseMismatch, []string{`name "bob" differs only in case from "Bob" on line 2`}}},
		},
		{
			name: "spelled the same everywhere",
			policy: policy(
				"p, user, posts:read, own, allow",
				"p, User-Admin, posts:read, any, allow",
				"g, bob, User-Admin",
				"g, User-Admin, user",
			),
		},
	})
}
