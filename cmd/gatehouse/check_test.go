package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{
			name: "embedded policy: a role asked about itself", args: []string{"--subject", "moderator", "--permission", "posts:delete", "--owner", "bob"},
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, moderator, posts:delete, any, allow"`},
		},
		{
			name: "embedded policy: nobody", args: []string{"--subject", "mallory", "--permission", "posts:delete", "--owner", "bob"},
			wantCode: exitNo, want: []string{"deny", `denied: no rule grants "posts:delete" to "mallory" on resource owned by "bob"`},
		},
		{
			name: "own post", args: []string{"--policy", "testdata/policy.csv", "--subject", "bob", "--permission", "posts:read", "--owner", "bob"},
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, user, posts:read, own, allow"`},
		},
		{
			name: "another's post", args: []string{"--policy", "testdata/policy.csv", "--subject", "bob", "--permission", "posts:read", "--owner", "alice"},
			wantCode: exitNo, want: []string{"deny", `denied: no rule grants "posts:read" to "bob" on resource owned by "alice"`},
		},
		{
			name: "no owner, scope own", args: []string{"--policy", "testdata/policy.csv", "--subject", "bob", "--permission", "posts:read"},
			wantCode: exitNo, want: []string{"deny", `denied: no rule grants "posts:read" to "bob"`},
		},
		{
			name: "inherited", args: []string{"--policy", "testdata/policy.csv", "--subject", "carol", "--permission", "posts:write"},
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, user, posts:write, any, allow"`},
		},
		{
			name: "wildcard", args: []string{"--policy", "testdata/policy.csv", "--subject", "admin", "--permission", "posts:publish"},
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, admin, posts:*, any, allow"`},
		},
		{
			name: "deny overrides allow", args: []string{"--policy", "testdata/policy.csv", "--subject", "dave", "--permission", "posts:write"},
			wantCode: exitNo, want: []string{"deny", `denied by rule "p, suspended, posts:write, any, deny"`},
		},
		{
			name: "model file", args: []string{"--model", "../../model.conf", "--policy", "testdata/policy.csv", "--subject", "dave", "--permission", "posts:read", "--owner", "dave"},
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, user, posts:read, own, allow"`},
		},
		{
			name: "a relation on the resource", args: []string{"--policy", "testdata/relations.csv", "--subject", "carol", "--permission", "posts:update", "--id", "42"},
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, editor, posts:update, any, allow" through relation "g2, carol, editor, posts:42"`},
		},
		{
			name: "a relation on a parent", args: []string{"--policy", "testdata/relations.csv", "--subject", "alice", "--permission", "docs:read", "--id", "9"},
			wantCode: exitOK,
			want:     []string{"allow", `allowed by rule "p, viewer, docs:read, any, allow" through relation "g2, red, viewer, folders:7" ("docs:9" is inside "folders:7")`},
		},
		{
			name: "no relation on another resource", args: []string{"--policy", "testdata/relations.csv", "--subject", "carol", "--permission", "posts:update", "--id", "43"},
			wantCode: exitNo, want: []string{"deny", `denied: no rule grants "posts:update" to "carol" on resource "43" with no owner`},
		},
		{
			name: "an expired relation", args: []string{"--policy", "testdata/relations.csv", "--subject", "erin", "--permission", "posts:update", "--id", "42"},
			wantCode: exitNo, want: []string{"deny", `denied: no rule grants "posts:update" to "erin" on resource "42" with no owner`},
		},
		{
			name: "one that has not expired", args: []string{"--policy", "testdata/relations.csv", "--subject", "frank", "--permission", "posts:update", "--id", "42"},
			wantCode: exitOK,
			want:     []string{"allow", `allowed by rule "p, editor, posts:update, any, allow" through relation "g2, frank, editor, posts:42, until 2999-01-01T00:00:00Z"`},
		},
		{
			name: "flags after a stray --", args: []string{"--subject", "moderator", "--permission", "users:read", "--"},
			wantCode: exitOK, want: []string{"allow", `allowed by rule "p, moderator, users:read, any, allow"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, append([]string{"check"}, tt.args...)...)
			assert.Equal(t, tt.wantCode, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Empty(t, r.stderr, r)
		})
	}
}

func TestCheckRefusesAMalformedSubject(t *testing.T) {
	t.Parallel()
	r := cli(t, "check", "--subject", " bob", "--permission", "posts:read")
	assert.Equal(t, exitError, r.code, r)
	assert.Empty(t, r.stdout, r)
	assert.Contains(t, r.stderr, `gatehouse: invalid subject: subject " bob" has surrounding spaces`, r)
}

func TestCheckRefusesAMalformedID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]string{
		"4,2": `gatehouse check: --id: invalid resource: invalid subject: resource id "4,2" contains ','`,
		"*":   `gatehouse check: --id: invalid resource: id "*" contains "*"`,
	} {
		r := cli(t, "check", "--policy", "testdata/relations.csv", "--subject", "carol", "--permission", "posts:update", "--id", id)
		assert.Equal(t, exitError, r.code, r)
		assert.Empty(t, r.stdout, r)
		assert.Contains(t, r.stderr, want, r)
	}
}
