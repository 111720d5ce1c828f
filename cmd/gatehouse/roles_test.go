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
	}{
		{"roles, embedded", []string{"roles", "--subject", "admin"}, []string{"moderator", "user"}},
		{"roles, inherited", []string{"roles", "--policy", "testdata/policy.csv", "--subject", "carol"}, []string{"moderator", "user"}},
		{"roles, several", []string{"roles", "--policy", "testdata/policy.csv", "--subject", "dave"}, []string{"suspended", "user"}},
		{"roles, unknown subject", []string{"roles", "--policy", "testdata/policy.csv", "--subject", "mallory"}, nil},
		{"permissions, inherited", []string{"permissions", "--policy", "testdata/policy.csv", "--subject", "carol"}, []string{
			"p, user, posts:read, own, allow",
			"p, user, posts:write, any, allow",
			"p, moderator, posts:read, any, allow",
			"p, moderator, posts:delete, any, allow",
		}},
		{"permissions, denies marked", []string{"permissions", "--policy", "testdata/policy.csv", "--subject", "dave"}, []string{
			"p, user, posts:read, own, allow",
			"p, user, posts:write, any, allow",
			"p, suspended, posts:write, any, deny" + denyMark,
		}},
		{"permissions, embedded", []string{"permissions", "--subject", "user"}, []string{
			"p, user, posts:read, own, allow",
			"p, user, posts:write, any, allow",
			"p, user, posts:update, own, allow",
			"p, user, posts:delete, own, allow",
		}},
		{"permissions, unknown subject", []string{"permissions", "--subject", "mallory"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, tt.args...)
			assert.Equal(t, exitOK, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Empty(t, r.stderr, r)
		})
	}
}
