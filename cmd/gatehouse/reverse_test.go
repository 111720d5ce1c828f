package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// row joins columns as who-can and what-can print them.
func row(columns ...string) string { return strings.Join(columns, "\t") }

func TestWhoCan(t *testing.T) {
	t.Parallel()
	const carol, frank = "g2, carol, editor, posts:42", "g2, frank, editor, posts:42, until 2999-01-01T00:00:00Z"
	tests := []struct {
		name string
		args []string
		want []string
		none string // on standard error when nobody may
	}{
		{
			name: "owner, relations, roles and grants",
			args: []string{"posts:update", "posts:42", "--owner", "bob"},
			want: []string{
				row("owner", "bob", "p, user, posts:update, own, allow", "-"),
				row("relation", "carol", "p, editor, posts:update, any, allow", carol),
				row("relation", "frank", "p, editor, posts:update, any, allow", frank), // erin's has expired; gus is blocked
				row("role", "editor", "p, editor, posts:update, any, allow", "-"),
				row("grant", "admin", "p, admin, posts:*, any, allow", "-"),
			},
		},
		{
			name: "relations on parents, and the members of a group",
			args: []string{"docs:read", "docs:9"},
			want: []string{
				row("relation", "alice", "p, viewer, docs:read, any, allow", "g2, red, viewer, folders:7"),
				row("relation", "dan", "p, viewer, docs:read, any, allow", "g2, dan, viewer, folders:1"),
				row("relation", "red", "p, viewer, docs:read, any, allow", "g2, red, viewer, folders:7"),
				row("role", "viewer", "p, viewer, docs:read, any, allow", "-"),
			},
		},
		{
			name: "no particular resource",
			args: []string{"posts:update", "posts"},
			want: []string{
				row("role", "editor", "p, editor, posts:update, any, allow", "-"),
				row("grant", "admin", "p, admin, posts:*, any, allow", "-"),
			},
		},
		{
			name: "nobody",
			args: []string{"docs:delete", "docs:9"},
			none: "nobody may docs:delete on docs:9\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, append([]string{"who-can", "--policy", "testdata/relations.csv"}, tt.args...)...)
			assert.Equal(t, exitOK, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Equal(t, tt.none, r.stderr, r)
		})
	}
}

func TestWhatCan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
		none string
	}{
		{
			name: "through a relation",
			args: []string{"carol", "posts:42"},
			want: []string{
				row("posts:read", "p, editor, posts:read, any, allow", "g2, carol, editor, posts:42"),
				row("posts:update", "p, editor, posts:update, any, allow", "g2, carol, editor, posts:42"),
			},
		},
		{
			name: "a deny through another relation",
			args: []string{"gus", "posts:42"},
			want: []string{row("posts:read", "p, editor, posts:read, any, allow", "g2, gus, editor, posts:42")},
		},
		{
			name: "as the owner",
			args: []string{"bob", "posts:42", "--owner", "bob"},
			want: []string{row("posts:update", "p, user, posts:update, own, allow", "-")},
		},
		{
			name: "through a group's relation on a parent",
			args: []string{"alice", "docs:9"},
			want: []string{row("docs:read", "p, viewer, docs:read, any, allow", "g2, red, viewer, folders:7")},
		},
		{
			name: "every resource of a type",
			args: []string{"admin", "posts"},
			want: []string{
				row("posts:read", "p, admin, posts:*, any, allow", "-"),
				row("posts:update", "p, admin, posts:*, any, allow", "-"),
			},
		},
		{
			name: "nothing, after a relation expired",
			args: []string{"erin", "posts:42"},
			none: "erin may do nothing to posts:42\n",
		},
		{
			name: "nothing, and a name the policy does not mention",
			args: []string{"carl", "posts:42", "--owner", "bob"},
			none: "carl may do nothing to posts:42 owned by bob; the policy does not mention carl; did you mean \"carol\"?\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := cli(t, append([]string{"what-can", "--policy", "testdata/relations.csv"}, tt.args...)...)
			assert.Equal(t, exitOK, r.code, r)
			assert.Equal(t, tt.want, lines(r.stdout), r)
			assert.Equal(t, tt.none, r.stderr, r)
		})
	}
}

func TestWhoCanAndWhatCanRefuseBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"who-can without a resource", []string{"who-can", "posts:update"},
			"gatehouse who-can: want PERMISSION and RESOURCE, such as posts:update posts:42, got 1 arguments"},
		{"who-can with a wildcard", []string{"who-can", "posts:*", "posts:42"},
			`gatehouse who-can: PERMISSION: invalid permission: "posts:*": a request names one action, not "*"`},
		{"who-can on another type", []string{"who-can", "posts:update", "folders:7"},
			"gatehouse who-can: RESOURCE folders:7 is not of the type PERMISSION posts:update acts on: want posts:ID"},
		{"who-can on a malformed resource", []string{"who-can", "posts:update", "posts:4*2"},
			`gatehouse who-can: RESOURCE: invalid resource: id "4*2" contains "*"`},
		{"who-can with a malformed owner", []string{"who-can", "posts:update", "posts:42", "--owner", "bo,b"},
			`gatehouse: invalid subject: owner "bo,b" contains ','`},
		{"what-can with three arguments", []string{"what-can", "carol", "posts:42", "posts:43"},
			"gatehouse what-can: want SUBJECT and RESOURCE, such as carol posts:42, got 3 arguments"},
		{"what-can on a malformed type", []string{"what-can", "carol", "po sts"},
			`gatehouse what-can: RESOURCE "po sts": want TYPE:ID, such as posts:42, or a TYPE`},
		{"what-can for a malformed subject", []string{"what-can", " carol", "posts:42"},
			`gatehouse: invalid subject: subject " carol" has surrounding spaces`},
		{"who-can under a model with tenants", []string{"who-can", "--model", "tenants", "--policy", "testdata/tenants.csv", "users:read", "users:1"},
			"gatehouse: who-can needs gatehouse's model without tenants: unsupported model"},
		{"what-can under a model with tenants", []string{"what-can", "--model", "tenants", "--policy", "testdata/tenants.csv", "alice", "users:1"},
			"gatehouse: what-can needs gatehouse's model without tenants: unsupported model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{}, tt.args...)
			if !strings.Contains(strings.Join(args, " "), "--policy") {
				args = append(args, "--policy", "testdata/relations.csv")
			}
			r := cli(t, args...)
			assert.Equal(t, exitError, r.code, r)
			assert.Empty(t, r.stdout, r)
			assert.Contains(t, r.stderr, tt.want, r)
		})
	}
}
