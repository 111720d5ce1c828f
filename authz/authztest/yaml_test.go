package authztest_test

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// lines joins YAML lines, so that tests can count them.
func lines(l ...string) []byte { return []byte(strings.Join(l, "\n") + "\n") }

func TestParse(t *testing.T) {
	t.Parallel()
	table, err := authztest.Parse("policy_test.yaml", lines(
		"name: default policy", // 1
		"roles:",
		"  alice: [admin]",
		"  bob: [user]",
		"  mallory: []", // 5
		"cases:",
		"  - name: users read their own posts",
		"    subject: bob",
		"    permission: posts:read",
		"    owner: bob", // 10
		"    want: allow",
		"    rule: p, user, posts:read, own, allow   # optional",
		"  - subject: mallory",
		"    permission: posts:read",
		"    want: deny", // 15
		"    rule: none",
		"  - subject: alice",
		"    permission: users:delete",
		"    owner: bob",
		"    want: allow", // 20
	))
	require.NoError(t, err)
	assert.Equal(t, authztest.Table{
		Name:   "default policy",
		Roles:  map[string][]string{"alice": {"admin"}, "bob": {"user"}, "mallory": {}},
		Source: "policy_test.yaml",
		Cases: []authztest.Case{
			{
				Name: "users read their own posts", Subject: "bob", Permission: permissions.PostsRead, Owner: "bob",
				Allow: true, Rule: "p, user, posts:read, own, allow", Source: "policy_test.yaml", Line: 7,
			},
			{Subject: "mallory", Permission: permissions.PostsRead, Rule: authztest.NoRule, Source: "policy_test.yaml", Line: 13},
			{Subject: "alice", Permission: permissions.UsersDelete, Owner: "bob", Allow: true, Source: "policy_test.yaml", Line: 17},
		},
	}, table)
}

// TestParseAcceptsYAMLForms: a table is YAML, so flow style, anchors,
// quoting and numbers as ids all read as they would anywhere else.
func TestParseAcceptsYAMLForms(t *testing.T) {
	t.Parallel()
	table, err := authztest.Parse("forms.yaml", lines(
		"roles: {42: [user], carol: &mod [moderator]}",
		"cases:",
		`  - {subject: 42, permission: posts:write, want: allow, rule: "p, user, posts:write, any, allow"}`,
		"  - &own",
		"    subject: carol",
		"    permission: posts:update",
		"    owner: carol",
		"    want: allow",
		`    rule: p,user,posts:update,own,"allow"`,
		"  - *own",
		"  - subject: '42'",
		"    permission: posts:read",
		"    owner: ~",
		"    want: deny",
	))
	require.NoError(t, err)
	assert.Equal(t, map[string][]string{"42": {"user"}, "carol": {"moderator"}}, table.Roles)
	require.Len(t, table.Cases, 4)
	assert.Equal(t, "42", table.Cases[0].Subject)
	assert.Equal(t, table.Cases[1].Subject, table.Cases[2].Subject)
	assert.Equal(t, "", table.Cases[3].Owner, "null is no owner")
	assert.Equal(t, "42 posts:read", table.Cases[3].String())
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	// valid is a case with nothing wrong, to build tables around.
	valid := []string{"  - subject: bob", "    permission: posts:read", "    want: deny"}
	withCase := func(l ...string) []byte { return lines(append([]string{"cases:"}, l...)...) }
	tests := []struct {
		name string
		data []byte
		want []string // each error's text, in order
		is   error    // a cause besides ErrInvalidTable, if any
	}{
		{
			name: "not YAML",
			data: lines("cases:", "  - subject: bob", "    permission: posts:read", "    want: deny: allow"),
			want: []string{"t.yaml: not valid YAML: yaml: line 4: mapping values are not allowed in this context"},
		},
		{name: "empty", data: nil, want: []string{"t.yaml: empty: want a table with cases"}},
		{name: "only comments", data: lines("# nothing yet"), want: []string{"t.yaml: empty: want a table with cases"}},
		{
			name: "two documents",
			data: append(withCase(valid...), lines("---", "cases: []")...),
			want: []string{"t.yaml:5: a second YAML document: write one table per file"},
		},
		{
			name: "not a mapping",
			data: lines("- subject: bob"),
			want: []string{`t.yaml:1: table: want a mapping of name, tenant, at, roles, tenant_roles, cases, got a list`},
		},
		{
			name: "unknown top-level key",
			data: append(lines("case:", "  - subject: bob"), withCase(valid...)...),
			want: []string{`t.yaml:1: table: unknown key "case": want one of name, tenant, at, roles, tenant_roles, cases`},
		},
		{
			name: "unknown case key",
			data: withCase(append(valid, "    subjet: alice")...),
			want: []string{`t.yaml:5: case: unknown key "subjet": want one of name, subject, tenant, permission, id, owner, at, want, rule, relation`},
		},
		{
			name: "key given twice",
			data: withCase(append(valid, "    want: allow")...),
			want: []string{`t.yaml:5: case: "want" given twice (first at line 4)`},
		},
		{
			name: "want neither allow nor deny",
			data: withCase("  - subject: bob", "    permission: posts:read", `    want: maybe`),
			want: []string{`t.yaml:4: want: "maybe": use allow or deny`},
		},
		{
			name: "want as a boolean",
			data: withCase("  - subject: bob", "    permission: posts:read", `    want: true`),
			want: []string{`t.yaml:4: want: "true": use allow or deny`},
		},
		{
			name: "want missing",
			data: withCase("  - subject: bob", "    permission: posts:read"),
			want: []string{`t.yaml:2: want: missing: use allow or deny`},
		},
		{
			name: "permission with a wildcard",
			data: withCase("  - subject: bob", "    permission: posts:*", "    want: deny"),
			want: []string{`t.yaml:3: permission: invalid permission: "posts:*": a request names one action, not "*"`},
			is:   permissions.ErrInvalidPermission,
		},
		{
			name: "permission without an action",
			data: withCase("  - subject: bob", "    permission: posts", "    want: deny"),
			want: []string{`t.yaml:3: permission: invalid permission: "posts": want resource:action`},
			is:   permissions.ErrInvalidPermission,
		},
		{
			name: "permission missing",
			data: withCase("  - subject: bob", "    want: deny"),
			want: []string{`t.yaml:2: permission: missing: want resource:action`},
		},
		{
			name: "subject missing",
			data: withCase("  - permission: posts:read", "    want: deny"),
			want: []string{`t.yaml:2: subject: missing: who asks`},
		},
		{
			name: "subject empty",
			data: withCase(`  - subject: ""`, "    permission: posts:read", "    want: deny"),
			want: []string{`t.yaml:2: subject: missing: who asks`},
		},
		{
			name: "subject malformed",
			data: withCase(`  - subject: "bob, alice"`, "    permission: posts:read", "    want: deny"),
			want: []string{`t.yaml:2: subject: invalid subject: subject "bob, alice" contains ','`},
			is:   authz.ErrInvalidSubject,
		},
		{
			name: "subject a list",
			data: withCase("  - subject: [bob]", "    permission: posts:read", "    want: deny"),
			want: []string{`t.yaml:2: subject: want a single value, got a list`},
		},
		{
			name: "rule a role line",
			data: withCase(append(valid, "    rule: g, bob, user")...),
			want: []string{`t.yaml:5: rule: "g, bob, user": want a grant line "p, subject, permission, scope, effect" ("p, subject, tenant, permission, scope, effect" with a tenant), or "none"`},
		},
		{
			name: "rule short of a value",
			data: withCase(append(valid, "    rule: p, user, posts:read, own")...),
			want: []string{`t.yaml:5: rule: "p, user, posts:read, own": a grant has 4 values (subject, permission, scope, effect), or 5 with a tenant (subject, tenant, permission, scope, effect), got 3`},
		},
		{
			name: "rule with a bad scope",
			data: withCase(append(valid, "    rule: p, user, posts:read, mine, deny")...),
			want: []string{`t.yaml:5: rule: "p, user, posts:read, mine, deny": invalid scope: "mine": want "any" or "own"`},
			is:   permissions.ErrInvalidScope,
		},
		{
			name: "rule contradicting want",
			data: withCase(append(valid, "    rule: p, user, posts:read, own, allow")...),
			want: []string{`t.yaml:5: rule: "p, user, posts:read, own, allow" allows, so it cannot decide a case that wants deny`},
		},
		{
			name: "rule none in another case",
			data: withCase(append(valid, "    rule: None")...),
			want: []string{`t.yaml:5: rule: "None": want a grant line "p, subject, permission, scope, effect" ("p, subject, tenant, permission, scope, effect" with a tenant), or "none"`},
		},
		{
			name: "cases missing",
			data: lines("name: nothing"),
			want: []string{`t.yaml:1: cases: missing: a table needs at least one case`},
		},
		{
			name: "cases empty",
			data: lines("name: nothing", "cases: []"),
			want: []string{`t.yaml:2: cases: empty: a table needs at least one case`},
		},
		{
			name: "cases not a list",
			data: lines("cases:", "  subject: bob"),
			want: []string{`t.yaml:2: cases: want a list, such as [{subject: bob, permission: posts:read, want: allow}], got a mapping`},
		},
		{
			name: "case not a mapping",
			data: withCase("  - bob posts:read"),
			want: []string{`t.yaml:2: case: want a mapping of name, subject, tenant, permission, id, owner, at, want, rule, relation, got "bob posts:read"`},
		},
		{
			name: "roles not a mapping",
			data: append(lines("roles: [alice]"), withCase(valid...)...),
			want: []string{`t.yaml:1: roles: want a mapping of subjects to their roles, such as {alice: [admin]}, got a list`},
		},
		{
			name: "roles given twice",
			data: append(lines("roles:", "  alice: [admin]", "  alice: [user]"), withCase(valid...)...),
			want: []string{`t.yaml:3: roles: "alice" given twice (first at line 2)`},
		},
		{
			name: "roles not a list",
			data: append(lines("roles:", "  alice: admin"), withCase(valid...)...),
			want: []string{`t.yaml:2: roles: alice: want a list, such as [admin], got "admin"`},
		},
		{
			name: "roles left empty",
			data: append(lines("roles:", "  alice:"), withCase(valid...)...),
			want: []string{`t.yaml:2: roles: alice: want a list, such as [admin], got nothing`},
		},
		{
			name: "role holding itself",
			data: append(lines("roles:", "  admin: [admin]"), withCase(valid...)...),
			want: []string{`t.yaml:2: roles: admin: role inheritance cycle: "admin" cannot hold itself`},
			is:   authz.ErrCycle,
		},
		{
			name: "role malformed",
			data: append(lines("roles:", `  alice: [" admin"]`), withCase(valid...)...),
			want: []string{`t.yaml:2: roles: alice: role: invalid subject: subject " admin" has surrounding spaces`},
			is:   authz.ErrInvalidSubject,
		},
		{
			name: "every problem at once",
			data: lines(
				"nmae: typo",
				"cases:",
				"  - subject: bob",
				"    permission: posts:*",
				"    want: maybe",
				"  - permission: posts:read",
				"    want: deny",
			),
			want: []string{
				`t.yaml:1: table: unknown key "nmae": want one of name, tenant, at, roles, tenant_roles, cases`,
				`t.yaml:4: permission: invalid permission: "posts:*": a request names one action, not "*"`,
				`t.yaml:5: want: "maybe": use allow or deny`,
				`t.yaml:6: subject: missing: who asks`,
			},
			is: permissions.ErrInvalidPermission,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			table, err := authztest.Parse("t.yaml", tc.data)
			require.Error(t, err)
			assert.Equal(t, authztest.Table{}, table)
			assert.ErrorIs(t, err, authztest.ErrInvalidTable)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			assert.Equal(t, strings.Join(tc.want, "\n"), err.Error())
			var te *authztest.TableError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, "t.yaml", te.Source)
		})
	}
}

func TestLoadFile(t *testing.T) {
	t.Parallel()
	table, err := authztest.LoadFile("testdata/moderators.yaml")
	require.NoError(t, err)
	assert.Equal(t, "moderators", table.Name)
	assert.Equal(t, "testdata/moderators.yaml", table.Source)
	require.Len(t, table.Cases, 2)
	assert.Equal(t, "testdata/moderators.yaml", table.Cases[1].Source)
	assert.Equal(t, 12, table.Cases[1].Line)

	_, err = authztest.LoadFile("testdata/missing.yaml")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.False(t, errors.Is(err, authztest.ErrInvalidTable), "a missing file is not a malformed table")
}

// TestDocumentedTable keeps the table in the package documentation true: it
// parses, gatehouse's default policy passes it, and the lines the
// documentation cites are where it says.
func TestDocumentedTable(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, after, found := strings.Cut(string(doc), "// A table file holds one YAML document:\n//\n")
	require.True(t, found, "doc.go introduces its example table")
	var yamlLines []string
scan:
	for _, l := range strings.Split(after, "\n") {
		text, ok := strings.CutPrefix(l, "//\t")
		switch {
		case l == "//":
			text = ""
		case !ok:
			break scan
		}
		yamlLines = append(yamlLines, text)
	}
	data := []byte(strings.TrimRight(strings.Join(yamlLines, "\n"), "\n") + "\n")

	table, err := authztest.Parse("policy_test.yaml", data)
	require.NoError(t, err)
	e, err := authz.New(t.Context())
	require.NoError(t, err)
	report, err := authztest.Evaluate(t.Context(), e, table)
	require.NoError(t, err)
	assert.Zero(t, report.Failed, "%v", report.Results)

	require.Len(t, table.Cases, 4)
	assert.Equal(t, 20, table.Cases[1].Line)
	assert.Equal(t, "bob posts:read owner alice", table.Cases[1].String())
	_, err = authztest.Parse("policy_test.yaml", []byte(strings.Replace(string(data), "want: allow", "want: maybe", 1)))
	assert.EqualError(t, err, `policy_test.yaml:17: want: "maybe": use allow or deny`)
}

// TestDocumentedRelationTable keeps the table of relations in the package
// documentation true: it parses, and a policy with the relation it names
// passes it.
func TestDocumentedRelationTable(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	_, after, found := strings.Cut(string(doc), "// table's at is the instant of the cases that give none:\n//\n")
	require.True(t, found, "doc.go introduces its table of relations")
	var yamlLines []string
	for _, l := range strings.Split(after, "\n") {
		text, ok := strings.CutPrefix(l, "//\t")
		if !ok {
			break
		}
		yamlLines = append(yamlLines, text)
	}
	table, err := authztest.Parse("relations.yaml", lines(yamlLines...))
	require.NoError(t, err)
	require.Len(t, table.Cases, 2)
	clock := &authztest.Clock{}
	e, err := authz.New(t.Context(), authz.WithClock(clock.Now), authz.WithPolicy(
		"p, editor, posts:update, any, allow\ng2, carol, editor, posts:42, until 2026-12-04T17:00:00Z\n"))
	require.NoError(t, err)
	report, err := authztest.Evaluate(t.Context(), e, table, authztest.WithClock(clock))
	require.NoError(t, err)
	assert.Zero(t, report.Failed, "%v", report.Results)
}
