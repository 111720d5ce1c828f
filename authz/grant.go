package authz

import (
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Effect says whether a grant allows or denies.
type Effect string

const (
	// Allow lets the subject perform the permission, unless a Deny matches too.
	Allow Effect = "allow"
	// Deny forbids the permission whatever else allows it.
	Deny Effect = "deny"
)

// Validate reports whether e is Allow or Deny.
func (e Effect) Validate() error {
	switch e {
	case Allow, Deny:
		return nil
	}
	return fmt.Errorf("%w: %q: want %q or %q", ErrInvalidEffect, string(e), Allow, Deny)
}

// Grant is one policy line: Subject (a subject or a role) may, or may not,
// perform Permission on resources within Scope — in Tenant, under a model
// with tenants.
type Grant struct {
	Subject string
	// Tenant is where the grant holds, under a model with tenants: a
	// tenant's name, which covers the tenants below it ("acme" covers
	// "acme/eu"), or AllTenants ("*") for every tenant. It must be empty
	// under a model without tenants.
	Tenant     string
	Permission permissions.Permission
	Scope      permissions.Scope
	// Effect is Allow or Deny. Editing methods treat the zero value as Allow.
	Effect Effect
	// Expires, when set, is the instant the grant stops applying:
	// decisions from then on ignore it, and Engine.SweepExpired removes
	// it. It is kept to the second, in UTC; zero, the grant never expires.
	Expires time.Time
}

// withDefaults returns g with the zero Effect replaced by Allow and its
// expiry as the engine keeps it.
func (g Grant) withDefaults() Grant {
	if g.Effect == "" {
		g.Effect = Allow
	}
	g.Expires = normalExpiry(g.Expires)
	return g
}

// key is g without its expiry: the policy holds a grant once.
func (g Grant) key() Grant { g.Expires = time.Time{}; return g }

// Validate reports the first malformed field of g. The zero Effect is
// invalid here; editing methods default it to Allow before validating.
func (g Grant) Validate() error {
	if err := validateName("subject", g.Subject); err != nil {
		return err
	}
	if g.Tenant != "" {
		if err := validateRuleTenant(g.Tenant); err != nil {
			return err
		}
	}
	if err := g.Permission.Validate(); err != nil {
		return err
	}
	if err := g.Scope.Validate(); err != nil {
		return err
	}
	return g.Effect.Validate()
}

// String returns g as a policy line: "p, moderator, posts:delete, any,
// allow", or with its tenant "p, admin, acme, users:*, any, allow", with
// its expiry last when it has one.
func (g Grant) String() string {
	return "p, " + strings.Join(g.Rule(), ", ")
}

// Rule returns g as Casbin's policy values, the columns of a "p" line and of
// Casbin's policy tables: subject, permission, scope, effect, with the
// tenant second when g has one (Casbin's "sub, dom, …" order), and its
// expiry last (ExpiryValue) when it has one. Stores use it; GrantFromRule
// reads it back.
func (g Grant) Rule() []string { return withExpiry(g.rule(), g.Expires) }

// rule returns g's values as the engine's Casbin enforcer holds them:
// without the expiry, which the engine's index honours instead.
func (g Grant) rule() []string {
	if g.Tenant != "" {
		return []string{g.Subject, g.Tenant, string(g.Permission), string(g.Scope), string(g.Effect)}
	}
	return []string{g.Subject, string(g.Permission), string(g.Scope), string(g.Effect)}
}

// GrantFromRule converts Casbin's policy values back, as Rule writes them:
// four values without a tenant, five with one, and the expiry last if
// there is one. It does not validate; a malformed expiry or any other
// number of values is the zero Grant.
func GrantFromRule(rule []string) Grant {
	rule, expires, ok := splitExpiry(rule)
	if !ok {
		return Grant{}
	}
	g := grantFromValues(rule)
	if g.Subject != "" {
		g.Expires = expires
	}
	return g
}

func grantFromValues(rule []string) Grant {
	switch len(rule) {
	case 4:
		return Grant{Subject: rule[0], Permission: permissions.Permission(rule[1]),
			Scope: permissions.Scope(rule[2]), Effect: Effect(rule[3])}
	case 5:
		return Grant{Subject: rule[0], Tenant: rule[1], Permission: permissions.Permission(rule[2]),
			Scope: permissions.Scope(rule[3]), Effect: Effect(rule[4])}
	}
	return Grant{}
}

func grantFromRule(rule []string) Grant { return GrantFromRule(rule) }

// RoleAssignment is one role line: Member (a subject or a role) holds Role
// and so inherits every grant of Role and of the roles Role holds — in
// Tenant, under a model with tenants.
type RoleAssignment struct {
	Member string
	Role   string
	// Tenant is where Member holds Role, under a model with tenants: a
	// tenant's name, which covers the tenants below it, or AllTenants for
	// every tenant (a platform-wide role). It must be empty under a model
	// without tenants.
	Tenant string
	// Expires, when set, is the instant Member stops holding Role:
	// decisions from then on ignore the assignment, and
	// Engine.SweepExpired removes it. It is kept to the second, in UTC.
	Expires time.Time
}

// key is a without its expiry: a member holds a role, in a tenant, once.
func (a RoleAssignment) key() RoleAssignment { a.Expires = time.Time{}; return a }

// Validate reports a malformed name or a role assigned to itself.
func (a RoleAssignment) Validate() error {
	if err := validateName("member", a.Member); err != nil {
		return err
	}
	if err := validateName("role", a.Role); err != nil {
		return err
	}
	if a.Tenant != "" {
		if err := validateRuleTenant(a.Tenant); err != nil {
			return err
		}
	}
	if a.Member == a.Role {
		return fmt.Errorf("%w: %q cannot hold itself", ErrCycle, a.Role)
	}
	return nil
}

// String returns a as a policy line: "g, moderator, user", or with its
// tenant "g, alice, admin, acme", with its expiry last when it has one.
func (a RoleAssignment) String() string {
	return "g, " + strings.Join(a.Rule(), ", ")
}

// Rule returns a as Casbin's values of a "g" line: member, role, the
// tenant third when a has one, and the expiry last when it has one.
// RoleFromRule reads it back.
func (a RoleAssignment) Rule() []string { return withExpiry(a.rule(), a.Expires) }

// rule returns a's values as the engine's Casbin enforcer holds them,
// without the expiry.
func (a RoleAssignment) rule() []string {
	if a.Tenant != "" {
		return []string{a.Member, a.Role, a.Tenant}
	}
	return []string{a.Member, a.Role}
}

// RoleFromRule converts Casbin's values of a "g" line back, as Rule writes
// them: two values without a tenant, three with one, and the expiry last
// if there is one. It does not validate; a malformed expiry or any other
// number of values is the zero RoleAssignment.
func RoleFromRule(rule []string) RoleAssignment {
	rule, expires, ok := splitExpiry(rule)
	if !ok {
		return RoleAssignment{}
	}
	a := roleFromValues(rule)
	if a.Member != "" {
		a.Expires = expires
	}
	return a
}

func roleFromValues(rule []string) RoleAssignment {
	switch len(rule) {
	case 2:
		return RoleAssignment{Member: rule[0], Role: rule[1]}
	case 3:
		return RoleAssignment{Member: rule[0], Role: rule[1], Tenant: rule[2]}
	}
	return RoleAssignment{}
}

// Policy is a whole policy: its grants and role assignments, each in the
// order the engine evaluates them, and its relations and resource parents.
type Policy struct {
	Grants []Grant
	Roles  []RoleAssignment
	// Relations are the roles subjects hold on single resources ("g2"
	// lines), in the order they were added.
	Relations []Relation
	// Parents put resources inside others ("g3" lines).
	Parents []ResourceParent
}

// String returns p in Casbin's CSV policy format, one line each: grants,
// role assignments, relations, parents; ParsePolicy reads it back.
func (p Policy) String() string {
	var b strings.Builder
	for _, g := range p.Grants {
		b.WriteString(g.String())
		b.WriteByte('\n')
	}
	for _, a := range p.Roles {
		b.WriteString(a.String())
		b.WriteByte('\n')
	}
	for _, r := range p.Relations {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	for _, l := range p.Parents {
		b.WriteString(l.String())
		b.WriteByte('\n')
	}
	return b.String()
}
