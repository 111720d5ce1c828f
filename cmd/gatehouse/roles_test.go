package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRolesAndPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
		// wantErr is the whole of stderr: the line an empty list gets.
		wantErr string
	}{
		{"roles, embedded", []string{"roles", "--subject", "admin"}, []string{"moderator", "user"}, ""},
		{"roles, inherited", []string{"roles", "--policy", "testdata/policy.csv", "--subject", "carol"}, []string{"moderator", "user"}, ""},
		{"roles, several", []string{"roles", "--policy", "testdata/policy.csv", "--subject", "dave"}, []string{"suspended", "user"}, ""},
		{"roles, unknown subject", []string{"roles", "--policy", "testdata/policy.csv", "--subject", "mallory"}, nil,
			"mallory holds no roles; the policy does not mention mallory\n"},
		{"roles, a misspelt role", []string{"roles", "--subject", "moderater"}, nil,
			"moderater holds no roles; the policy does not mention moderater; did you mean \"moderator\"?\n"},
		{"roles, a role that inherits none", []string{"roles", "--subject", "user"}, nil, "user holds no roles\n"},
		{"permissions, inherited", []string{"permissions", "--policy", "testdata/policy.csv", "--subject", "carol"}, []string{
			"p, user, posts:read, own, allow",
			"p, user, posts:write, any, allow",
			"p, moderator, posts:read, any, allow",
			"p, moderator, posts:delete, any, allow",
		}, ""},
		{"permissions, denies marked", []string{"permissions", "--policy", "testdata/policy.csv", "--subject", "dave"}, []string{
			"p, user, posts:read, own, allow",
			"p, user, posts:write, any, allow",
			"p, suspended, posts:write, any, deny" + denyMark,
		}, ""},
		{"permissions, embedded", []string{"permissions", "--subject", "user"}, []string{
			"p, user, posts:read, own, allow",
			"p, user, posts:write, any, allow",
			"p, user, posts:update, own, allow",
			"p, user, posts:delete, own, allow",
			"p, user, posts:share, own, allow",
			"p, user, posts:audit, own, allow",
		}, ""},
		{"permissions, unknown subject", []string{"permissions", "--subject", "mallory"}, nil,
			"no grant applies to mallory; the policy does not mention mallory\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			assert.Equal(t, exitOK, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Equal(t, tt.wantErr, r.stderr, r)
		})
	}
}
