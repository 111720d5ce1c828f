package authztest_test

import (
	"bytes"
	"errors"
	"reflect"
	"testing"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Parse reads any bytes without a panic, the same way each time. What it
// refuses matches ErrInvalidTable, as a *TableError naming the source and a
// line of the text, or several joined. What it accepts is a table of at
// least one case, each of which Validate accepts and names the source and
// its line, whose fixtures give valid subjects valid roles other than
// themselves.
func FuzzParseTable(f *testing.F) {
	for _, seed := range []string{
		"name: moderators\nroles:\n  carol: [moderator]\ncases:\n" +
			"  - name: moderators delete anybody's posts\n    subject: carol\n    permission: posts:delete\n" +
			"    owner: bob\n    want: allow\n    rule: p, moderator, posts:delete, any, allow\n" +
			"  - subject: carol\n    permission: users:delete\n    owner: bob\n    want: deny\n    rule: none\n",
		"roles:\n  bob: [user]\ncases:\n  - subject: bob\n    permission: posts:write\n    want: maybe\n",
		"cases: [{subject: bob, permission: posts:read, want: allow}]",
		"cases: [{subject: bob, permission: 'posts:*', want: allow}]",
		"cases: [{subject: bob, permission: posts:read, want: deny, rule: 'p, user, posts:read, own, allow'}]",
		"cases: [{subject: bob, permission: posts:read, want: allow, rule: \"\\np, user, posts:read, own, allow\"}]",
		"cases: [{subject: bob, permission: posts:read, want: allow, subject: alice}]",
		"roles: {bob: [bob], ' x': [a], y: [\"a,b\"]}\ncases: []",
		"c: &c {subject: bob, permission: posts:read, want: allow}\ncases: [*c, *c]",
		"cases: &l [*l]",
		"roles: {bob: *r}\ncases: [{}]",
		"? [a]\n: b\ncases: [~]",
		"cases: !!str x",
		"---\ncases: []\n---\ncases: []",
		"cases:\n\t- x",
		"tenant: acme\nroles: {carol: [auditor]}\ntenant_roles: {globex: {alice: [member]}, '*': {ops: [operator]}}\n" +
			"cases: [{subject: alice, tenant: acme/eu, permission: users:read, want: allow, rule: 'p, admin, *, users:*, any, allow'}]",
		"tenant: '*'\ntenant_roles: {'': {a: [b]}, acme: [x], acme: {}}\ncases: [{subject: a, tenant: 'acme//eu', permission: p:r, want: deny}]",
		"at: 2026-12-04T12:00:00Z\ncases:\n  - subject: carol\n    permission: posts:update\n    id: 42\n" +
			"    at: 2026-12-04T18:00:00+01:00\n    want: allow\n    rule: p, editor, posts:update, any, allow\n" +
			"    relation: g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z\n",
		"cases: [{subject: alice, permission: docs:read, id: 9, want: allow, relation: 'g2, red, viewer, folders:7'}]",
		"cases: [{subject: a, permission: p:r, want: deny, rule: none, relation: 'g2, a, b, p:1', id: '*'}]",
		"cases: [{subject: a, permission: p:r, want: deny, relation: 'g2, a, b, p:1, until x', at: 0001-01-01T00:00:00Z}]",
		"at: [x]\ncases: [{subject: a, permission: p:r, want: deny, id: ~, relation: none, at: ~}]",
		"", "~", "[]", "\xff", "!!binary AAAA",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const source = "fuzz.yaml"
		table, err := authztest.Parse(source, data)
		again, err2 := authztest.Parse(source, data)
		if !reflect.DeepEqual(table, again) || (err == nil) != (err2 == nil) {
			t.Fatalf("parsed twice, got %+v, %v then %+v, %v", table, err, again, err2)
		}
		// YAML breaks lines at CR as well as LF, and libyaml, from which
		// the parser descends, at NEL, LS and PS too: an upper bound.
		lines := 1
		for _, brk := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
			lines += bytes.Count(data, []byte(brk))
		}
		if err != nil {
			if !errors.Is(err, authztest.ErrInvalidTable) {
				t.Fatalf("refused without ErrInvalidTable: %v", err)
			}
			errs := []error{err}
			if joined, ok := err.(interface{ Unwrap() []error }); ok {
				errs = joined.Unwrap()
			}
			for _, e := range errs {
				var te *authztest.TableError
				if !errors.As(e, &te) || te.Source != source || te.Line < 0 || te.Line > lines+1 {
					t.Fatalf("%v: want a *TableError naming %s and a line of %d or the one after", e, source, lines)
				}
			}
			return
		}
		if table.Source != source || len(table.Cases) == 0 {
			t.Fatalf("accepted a table from %q with %d cases", table.Source, len(table.Cases))
		}
		for _, c := range table.Cases {
			if err := c.Validate(); err != nil || c.Source != source || c.Line < 1 || c.Line > lines {
				t.Fatalf("accepted case %+v: %v", c, err)
			}
		}
		byTenant := map[string]map[string][]string{"": table.Roles}
		for tenant, roles := range table.TenantRoles {
			probe := authz.RoleAssignment{Member: "a", Role: "b", Tenant: tenant}
			if err := probe.Validate(); err != nil || tenant == "" {
				t.Fatalf("accepted the fixtures of tenant %q: %v", tenant, err)
			}
			byTenant[tenant] = roles
		}
		if table.Tenant != "" {
			probe := authz.RoleAssignment{Member: "a", Role: "b", Tenant: table.Tenant}
			if err := probe.Validate(); err != nil || table.Tenant == authz.AllTenants {
				t.Fatalf("accepted the table's tenant %q: %v", table.Tenant, err)
			}
		}
		for _, fixtures := range byTenant {
			checkFixtures(t, fixtures)
		}
	})
}

// checkFixtures fails t unless every subject and role of fixtures is a
// valid name and no subject holds itself.
func checkFixtures(t *testing.T, fixtures map[string][]string) {
	t.Helper()
	for subject, roles := range fixtures {
		for _, name := range append([]string{subject}, roles...) {
			probe := authz.Grant{Subject: name, Permission: "names:check", Scope: permissions.Any, Effect: authz.Allow}
			if err := probe.Validate(); err != nil {
				t.Fatalf("accepted fixture %q: %v", name, err)
			}
		}
		for _, role := range roles {
			if role == subject {
				t.Fatalf("accepted %q holding itself", subject)
			}
		}
	}
}
