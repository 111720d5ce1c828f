// Package authztest tests policy files with decision tables: who asks,
// to do what, to whose resource, and the answer the policy must give,
// optionally with the policy line that must give it. A policy is a
// security boundary written in a small language; a table pins down what it
// means, so that an edit which lets somebody through, or locks somebody
// out, fails a test instead of reaching production.
//
// A Table is written in Go (a Table literal) or in YAML (Parse, LoadFile).
// Run and RunFile check one from a test, one subtest per case; Evaluate
// does the same without a testing.TB and returns a Report, for tools. Cover
// says which lines of the policy file the cases exercised, so that a line
// nobody tests stands out.
//
// # Writing a table in YAML
//
// A table file holds one YAML document:
//
//	# policy_test.yaml: what policy.csv must answer.
//	name: default policy
//
//	# Fixtures: the roles the table's subjects hold while its cases run.
//	# They are assigned with Engine.SetRoles before the first case and are
//	# not lines of the policy. A subject listed with [] holds no role.
//	roles:
//	  alice: [admin]
//	  bob: [user]
//	  dave: [user, suspended]
//
//	cases:
//	  - name: users read their own posts   # optional
//	    subject: bob                       # who asks; required
//	    permission: posts:read             # a concrete "resource:action"; required
//	    owner: bob                         # who owns the resource; omit for none
//	    want: allow                        # allow or deny; required
//	    rule: p, user, posts:read, own, allow
//
//	  - subject: bob                       # named "bob posts:read owner alice"
//	    permission: posts:read
//	    owner: alice
//	    want: deny
//	    rule: none                         # no rule matches: denied by default
//
//	  - subject: dave
//	    permission: posts:write
//	    want: deny
//	    rule: p, suspended, posts:write, any, deny
//
//	  - subject: alice
//	    permission: users:delete
//	    owner: bob
//	    want: allow                        # no rule: the answer alone is checked
//
// The top-level keys are name (optional), tenant and tenant_roles (under
// a model with tenants, below), at (optional, below), roles (optional) and
// cases (at least one). A case's keys are name, subject, tenant,
// permission, id, owner, at, want, rule and relation:
//
//   - name labels the case in test output; it defaults to
//     "subject permission", followed by "on <type:id>" when the case names
//     a resource, "owner <owner>" when there is one, "in <tenant>" when
//     the case names a tenant and "at <time>" when it names a time.
//   - tenant is the tenant the request is made in, under a model with
//     tenants (see below).
//   - permission is validated as a request's permission: "posts:*" is
//     refused, since a request names one action.
//   - id is the id of the resource acted on, whose type is the
//     permission's resource: the relations on it and on its parents
//     apply (see below).
//   - at is the instant the case is decided at (see below).
//   - want is the expected answer, allow or deny; nothing else is accepted.
//   - rule, when present, is the policy line that must decide the case,
//     written as in the policy file ("p, admin, users:*, any, allow",
//     compared field by field, so spacing and quoting do not matter), or
//     none when no rule may match. The deciding rule is the first matching
//     deny, otherwise the first matching allow, in policy order (see
//     authz.Decision.Rule). A rule that allows cannot decide a case that
//     wants deny, nor a deny rule one that wants allow.
//   - relation, when present, is the relation through which the deciding
//     rule must apply, written as in the policy file ("g2, carol, editor,
//     posts:42", with its expiry if it has one), or none when the rule
//     must apply through none (see authz.Decision.Relation). A case with a
//     relation names an id.
//
// Decoding is strict: an unknown key, a key given twice, a value of the
// wrong shape and a second document in the file are errors. Every error
// names the file and line and matches ErrInvalidTable; Parse reports all of
// a file's errors at once:
//
//	policy_test.yaml:17: want: "maybe": use allow or deny
//
// # Tenants
//
// Under a model with tenants (gatehouse.TenantModel), a table names the
// tenant its cases are made in, and a case may name its own; fixture
// roles are assigned in the table's tenant, and tenant_roles assigns roles
// in others ("*" for every tenant):
//
//	tenant: acme                # cases without a tenant are made in acme
//	roles:                      # held in acme
//	  dave: [member, suspended]
//	tenant_roles:
//	  globex:
//	    alice: [member]
//	cases:
//	  - subject: alice
//	    tenant: acme/eu         # what holds in acme holds below it
//	    permission: users:invite
//	    want: allow
//	    rule: p, admin, *, users:*, any, allow
//
// A case without a tenant, in a table without one, is made at the
// platform's level, where only rules for every tenant apply. Under a model
// without tenants, a tenant anywhere in a table is an error that names it,
// and so are roles without a tenant under a model with them: Evaluate
// decides nothing. Cover counts a line of a tenant as covered by a case in
// that tenant or in a tenant below it.
//
// # Relations and expiries
//
// A case with an id is about one resource, and the relations on it ("g2"
// lines) and on the resources it is inside ("g3" lines) apply; relation
// checks which one the deciding rule applied through. A case with at is
// decided at that instant, written in RFC 3339, so that lines that expire
// ("until 2026-12-04T17:00:00Z") can be tested before and after; the
// table's at is the instant of the cases that give none:
//
//	at: 2026-12-04T12:00:00Z    # cases without at are decided at noon
//	cases:
//	  - subject: carol
//	    permission: posts:update
//	    id: 42                  # posts:42
//	    want: allow
//	    relation: g2, carol, editor, posts:42, until 2026-12-04T17:00:00Z
//	  - subject: carol
//	    permission: posts:update
//	    id: 42
//	    at: 2026-12-04T18:00:00Z
//	    want: deny
//	    rule: none              # the relation has expired
//
// An engine's clock is set when it is built, so a table with times runs
// on an engine that reads a Clock (authz.WithClock(clock.Now)), given to
// Evaluate, Run or RunFile with WithClock; without one such a table is
// refused. Cover counts a "g2" line as covered by a case whose rule
// applied through it, and a "g3" line by a case whose relation is on a
// parent reached through it.
//
// # Running a table
//
// Run assigns the fixtures and checks every case. A failing case names the
// table file and line (for YAML cases), the request, what was expected and
// what the engine decided, with its reason:
//
//	policy_test.yaml:20: bob posts:read owner alice: want deny with no rule matching, got allowed by rule "p, user, posts:read, any, allow"
//
// Run and Evaluate edit the engine: the fixtures stay assigned after they
// return. Give each table its own engine, or only run tables on one engine
// whose fixtures agree.
package authztest
