package policylint_test

import (
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/policylint"
)

func ExampleLint() {
	const text = `p, user, posts:read, own, allow
p, user, posts:write, any, allow
p, moderator, posts:delete, any, alow
g, moderator, usr
p, user, posts:read, own, allow
p, suspended, posts:write, any, deny
g, suspended, user
p, suspended, posts:write, any, allow
`
	for _, f := range policylint.Lint(authz.ScanPolicy("policy.csv", text)) {
		fmt.Println(f.Severity(), f)
	}
	// Output:
	// error policy.csv:3: [malformed] p, moderator, posts:delete, any, alow: invalid effect: "alow": want "allow" or "deny"
	// warning policy.csv:4: [undefined-role] g, moderator, usr: role "usr" grants nothing: no p line names it or a role it holds; did you mean "user"?
	// warning policy.csv:5: [duplicate] p, user, posts:read, own, allow is a duplicate of line 1
	// error policy.csv:8: [cancelled] p, suspended, posts:write, any, allow never takes effect: line 6 denies it (p, suspended, posts:write, any, deny), and deny overrides allow
}

// A policy with tenants is linted by the rules of gatehouse's model with
// tenants: a role held where it grants nothing, a grant in a tenant
// nobody belongs to, a deny of a tenant above that cancels an allow below.
func ExampleLint_tenants() {
	const text = `p, admin, *, users:*, any, allow
p, auditor, acme, billing:read, any, allow
p, member, acme/eu, posts:read, any, allow
p, member, acme, posts:read, any, deny
p, admin, initech, billing:*, any, allow
g, alice, admin, acme
g, bob, member, acme/eu
g, carol, auditor, globex
`
	for _, f := range policylint.Lint(authz.ScanPolicy("tenants.csv", text)) {
		fmt.Println(f.Severity(), f)
	}
	// Output:
	// error tenants.csv:3: [cancelled] p, member, acme/eu, posts:read, any, allow never takes effect: line 4 denies it (p, member, acme, posts:read, any, deny), and deny overrides allow
	// warning tenants.csv:5: [memberless-tenant] p, admin, initech, billing:*, any, allow: nobody belongs to tenant "initech": no subject holds a role in it, in a tenant above or below it, or in every tenant ("*"), so the grant applies to nobody
	// warning tenants.csv:8: [role-empty-in-tenant] g, carol, auditor, globex: role "auditor" grants nothing in tenant "globex": its grants, and those of the roles it holds there, are in "acme" only
}

// Relations, parents and expiries are linted as of an instant: a relation
// to a role that grants nothing, one that has expired, a resource inside
// itself.
func ExampleWithNow() {
	const text = `p, editor, posts:update, any, allow
p, viewer, docs:read, any, allow
g2, carol, edtor, posts:42
g2, dan, editor, posts:43, until 2026-12-04T17:00:00Z
g2, red, viewer, folders:7
g3, docs:9, folders:7
g3, folders:7, docs:9
`
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	for _, f := range policylint.Lint(authz.ScanPolicy("policy.csv", text), policylint.WithNow(now)) {
		fmt.Println(f.Severity(), f)
	}
	// Output:
	// warning policy.csv:3: [undefined-relation-role] g2, carol, edtor, posts:42: role "edtor" grants nothing: no p line names it or a role it holds, so the relation allows nothing; did you mean "editor"?
	// warning policy.csv:4: [expired] g2, dan, editor, posts:43, until 2026-12-04T17:00:00Z expired on 2026-12-04T17:00:00Z: decisions ignore it, and Engine.SweepExpired removes it; remove the line, or give it a later expiry
	// error policy.csv:6: [parent-cycle] g3, docs:9, folders:7 is part of a loop of parents: docs:9 -> folders:7 -> docs:9 (lines 6, 7); a resource cannot be inside itself, so the policy does not load: remove the line that is not meant
}
