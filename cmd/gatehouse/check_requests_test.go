package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string
	}{
		{
			name: "model with tenants",
			args: []string{"--model", "tenants", "--policy", "testdata/tenants.csv", "--requests", "testdata/tenant_requests.csv"},
			want: []string{
				"allow p, admin, *, users:*, any, allow",           // alice is admin in acme
				"allow p, admin, *, users:*, any, allow",           // and so in acme/eu below it
				"deny no rule",                                     // a member only in globex
				"allow p, member, *, posts:update, own, allow",     // bob's own post in acme/eu
				"deny no rule",                                     // bob is member in acme/eu, not in acme above it
				"allow p, auditor, acme, billing:read, any, allow", // acme's grant holds in acme/eu
				"deny p, suspended, acme, posts:read, any, deny",   // deny overrides allow
				"allow p, operator, *, tenants:*, any, allow",      // a platform-wide role, in a tenant
				"allow p, operator, *, tenants:*, any, allow",      // and at the platform's level
			},
		},
		{
			name:  "model file with tenants",
			args:  []string{"--model", "../../model_tenants.conf", "--policy", "testdata/tenants.csv", "--requests", "-"},
			stdin: "alice, users:invite, acme\n",
			want:  []string{"allow p, admin, *, users:*, any, allow"},
		},
		{
			name: "model without tenants, tenants empty",
			args: []string{"--policy", "testdata/policy.csv", "--requests", "testdata/requests.csv"},
			want: []string{
				"deny no rule",
				"allow p, user, posts:read, own, allow",
				"allow p, admin, posts:*, any, allow",
				"allow p, user, posts:write, any, allow",
				"deny p, suspended, posts:write, any, deny",
			},
		},
		{
			name: "ids, with the relation each rule applied through",
			args: []string{"--policy", "testdata/relations.csv", "--requests", "testdata/relation_requests.csv"},
			want: []string{
				"allow p, editor, posts:update, any, allow through g2, carol, editor, posts:42",
				"deny no rule", // another post
				"deny no rule", // no post at all
				"deny no rule", // erin's relation has expired
				`allow p, viewer, docs:read, any, allow through g2, red, viewer, folders:7`, // alice is in red; docs:9 in folders:7
				`allow p, viewer, docs:read, any, allow through g2, dan, viewer, folders:1`, // two parents up
				"deny p, blocked, posts:update, any, deny through g2, gus, blocked, posts:42",
				"allow p, user, posts:update, own, allow", // bob's own post, through no relation
			},
		},
		{
			name: "standard input, quoted fields, blank lines and comments",
			args: []string{"--requests", "-"}, stdin: "\n# who,what\n\"moderator\",posts:delete,,bob\n\n  mallory,posts:delete\n",
			want: []string{"allow p, moderator, posts:delete, any, allow", "deny no rule"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{stdin: tt.stdin}.run(t, append([]string{"check"}, tt.args...)...)
			assert.Equal(t, exitOK, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Empty(t, r.stderr, r)
		})
	}
}

func TestCheckRequestsRefusesMalformedLinesAndDecidesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string // on standard error
	}{
		{
			name:  "a tenant under a model without tenants",
			args:  []string{"--requests", "-"},
			stdin: "bob,posts:read\nbob,posts:read,acme\n",
			want:  []string{`standard input:2: "bob,posts:read,acme": tenant "acme", but the model has no tenants`},
		},
		{
			name: "every bad line, by file and line",
			args: []string{"--requests", "-"},
			stdin: "bob\nbob,posts:*\n,posts:read\nbob,posts:read,,bob,42,extra\nbob,\"posts:read\n" +
				"moderator,posts:delete\nbob,posts:read,,,4*2\n",
			want: []string{
				`standard input:1: "bob": want subject,permission,tenant,owner,id`,
				`standard input:2: "bob,posts:*": invalid permission`,
				`standard input:3: ",posts:read": no subject`,
				`standard input:4: "bob,posts:read,,bob,42,extra": want subject,permission,tenant,owner,id (tenant, owner and id may be empty), got 6 values`,
				`standard input:5: malformed CSV`,
				`standard input:7: "bob,posts:read,,,4*2": id: invalid resource: id "4*2" contains "*"`,
			},
		},
		{
			name:  "a malformed tenant",
			args:  []string{"--model", "tenants", "--policy", "testdata/tenants.csv", "--requests", "-"},
			stdin: "alice,users:read,acme\nalice,users:read,acme//eu\n",
			want:  []string{`standard input:2: "alice,users:read,acme//eu": invalid tenant`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := invocation{stdin: tt.stdin}.run(t, append([]string{"check"}, tt.args...)...)
			assert.Equal(t, exitError, r.code, r)
			assert.Empty(t, r.stdout, r)
			for _, want := range tt.want {
				assert.Contains(t, r.stderr, want, r)
			}
			assert.Contains(t, r.stderr, "nothing decided", r)
		})
	}
}

func TestCheckRequestsRefusesFlagsOfOneRequest(t *testing.T) {
	t.Parallel()
	for _, flag := range []string{"--subject", "--permission", "--owner", "--id", "--tenant"} {
		r := cli(t, "check", "--requests", "testdata/requests.csv", flag, "x")
		assert.Equal(t, exitError, r.code, r)
		assert.Contains(t, r.stderr, flag+" and --requests are exclusive", r)
		assert.Empty(t, r.stdout, r)
	}
	r := cli(t, "check", "--requests", "testdata/missing.csv")
	assert.Equal(t, exitError, r.code, r)
	assert.Contains(t, r.stderr, "missing.csv", r)
}

// A file of ten thousand requests is decided as one of four: each answer
// on its own line, in order.
func TestCheckRequestsDecidesALargeFile(t *testing.T) {
	t.Parallel()
	const n = 10_000
	var file, want strings.Builder
	file.WriteString("# subject,permission,tenant,owner\n")
	for i := range n {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&file, "alice,users:invite,acme/team%d,\n", i)
			want.WriteString("allow p, admin, *, users:*, any, allow\n")
		case 1:
			fmt.Fprintf(&file, "user%d,posts:read,acme,\n", i)
			want.WriteString("deny no rule\n")
		case 2:
			fmt.Fprintf(&file, "bob,posts:update,acme/eu,user%d\n", i)
			want.WriteString("deny no rule\n")
		case 3:
			file.WriteString("dave,posts:read,acme/eu,\n")
			want.WriteString("deny p, suspended, acme, posts:read, any, deny\n")
		}
	}
	path := filepath.Join(t.TempDir(), "requests.csv")
	require.NoError(t, os.WriteFile(path, []byte(file.String()), 0o600))
	r := cli(t, "check", "--model", "tenants", "--policy", "testdata/tenants.csv", "--requests", path)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	assert.Equal(t, n, strings.Count(r.stdout, "\n"))
	assert.Equal(t, want.String(), r.stdout)
}
