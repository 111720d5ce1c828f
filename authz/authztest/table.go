package authztest

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// NoRule is the Case.Rule that says no rule of the policy may match the
// case: it is denied by default, because nothing grants it. As the
// Case.Relation, it says the deciding rule must apply through no relation:
// through the subject's own grants and the roles it holds everywhere.
const NoRule = "none"

// Case is one row: who, doing what, to whose resource, and the expected answer.
type Case struct {
	// Name labels the case in test output. Optional; String returns a name
	// made of the request when it is empty.
	Name string
	// Subject is who asks: a user id, or a role to ask about the role
	// itself. Required.
	Subject string
	// Permission is what they want to do, with a concrete action
	// ("posts:delete", not "posts:*"). Required.
	Permission permissions.Permission
	// ID is the id of the resource acted on ("42"), whose type is the
	// permission's resource: the relations on that resource ("g2, carol,
	// editor, posts:42") and on its parents ("g3" lines) apply to the
	// case. "" for no particular resource, to which no relation applies.
	ID string
	// Owner is who owns the resource acted on; "" for no particular
	// resource, or one nobody owns. Grants with scope own apply only when
	// Owner is Subject.
	Owner string
	// Tenant is the tenant the request is made in, under a model with
	// tenants ("acme", "acme/eu"). "" decides the case in the Table's
	// Tenant, and at the platform's level, where only rules for every
	// tenant apply, when the table has none. A case with a tenant is an
	// error under a model without tenants.
	Tenant string
	// At is the instant the case is decided at, for policies whose lines
	// expire ("until 2026-12-04T17:00:00Z"): a line applies to the case
	// only if it expires after At. The zero At decides the case at the
	// Table's At, or, when that is zero too, at the time the engine's clock
	// reads. A case with a time needs the engine to read the time from a
	// Clock that Evaluate is given (WithClock).
	At time.Time
	// Allow is the expected answer.
	Allow bool
	// Rule, when set, is the policy line that must decide the case, written
	// as in the policy file ("p, admin, users:*, any, allow"), or NoRule
	// when no rule may match. "" leaves the deciding rule unchecked. Checking
	// it catches a case that gets the right answer for the wrong reason.
	Rule string
	// Relation, when set, is the relation through which the deciding rule
	// must apply, written as in the policy file ("g2, carol, editor,
	// posts:42", with its expiry if it has one), or NoRule when the rule
	// must apply through none. "" leaves it unchecked. A case with a
	// relation names a resource (ID), and a rule other than NoRule.
	Relation string
	// Source is where the case was written (a YAML file name), for
	// messages; "" for Go cases, whose messages then name the Table's
	// Source, if any.
	Source string
	// Line is the case's line in Source, 0 for Go cases.
	Line int
}

// String returns Name, or when it is empty the request the case makes:
// "bob posts:read owner alice", "bob posts:write" with no owner, "alice
// users:invite in acme" in a tenant, "carol posts:update on posts:42" about
// one resource, "carol posts:update on posts:42 at 2026-12-04T12:00:00Z" at
// a time.
func (c Case) String() string {
	if c.Name != "" {
		return c.Name
	}
	return c.request()
}

// request describes what the case asks, whatever its name.
func (c Case) request() string {
	s := c.Subject + " " + string(c.Permission)
	if c.ID != "" {
		s += " on " + authz.ResourceName(c.Permission.Resource(), c.ID)
	}
	if c.Owner != "" {
		s += " owner " + c.Owner
	}
	if c.Tenant != "" {
		s += " in " + c.Tenant
	}
	if !c.At.IsZero() {
		s += " at " + formatTime(c.At)
	}
	return s
}

// formatTime writes t as tables and policy lines do: RFC 3339, in UTC.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// Request returns the request the case asks the engine to decide.
func (c Case) Request() authz.Request {
	return authz.Request{
		Subject:    c.Subject,
		Tenant:     c.Tenant,
		Permission: c.Permission,
		Resource:   authz.Resource{ID: c.ID, Owner: c.Owner},
	}
}

// Validate reports every problem with c that would stop it from being
// checked: a missing or malformed Subject or Permission, a malformed
// Tenant or ID, a Rule that is not a grant line or NoRule, a Rule whose
// effect contradicts Allow, a Relation that is not a relation line or
// NoRule, or a Relation that cannot apply: to a case about no resource,
// or with no rule matching. The errors are *TableErrors (matching
// ErrInvalidTable) naming c's Source and Line, joined when there are
// several.
func (c Case) Validate() error {
	var errs []error
	for _, err := range []error{
		checkSubject(c.Subject), checkPermission(c.Permission), checkTenant(c.Tenant), checkID(c.ID, c.Permission),
		checkRule(c.Rule, c.Allow), checkRelation(c.Relation, c.Rule, c.ID),
	} {
		if err != nil {
			errs = append(errs, &TableError{Source: c.Source, Line: c.Line, Err: err})
		}
	}
	return joinErrors(errs)
}

// Table is a decision table: the roles its subjects hold (fixtures,
// assigned before the cases run) and its cases.
type Table struct {
	// Name labels the table in reports; Report.Table falls back to Source.
	Name string
	// Tenant is the table's tenant, under a model with tenants: Roles are
	// assigned in it, and cases that name no tenant are decided in it.
	// "" assigns no Roles and decides such cases at the platform's level.
	Tenant string
	// At is the instant cases that name none are decided at (see
	// Case.At); zero, they are decided at the time the engine's clock
	// reads.
	At time.Time
	// Roles maps a subject to the roles it holds directly while the cases
	// run — in Tenant, under a model with tenants, which then needs one.
	// Each entry is applied with SetRoles (Engine.SetRoles, or
	// Tenant.SetRoles), so it replaces what the subject held there before;
	// an empty list leaves it none. Fixtures are test setup: they are not
	// policy lines, and Cover does not count them.
	Roles map[string][]string
	// TenantRoles are fixtures in other tenants, under a model with
	// tenants: tenant to subject to the roles it holds there, applied as
	// Roles are, "*" for roles held in every tenant. Roles for one tenant
	// may be given here or in Roles with Tenant, not both.
	TenantRoles map[string]map[string][]string
	// Cases are checked in order.
	Cases []Case
	// Source is the file the table was read from, for messages.
	Source string
}

// title names t in reports.
func (t Table) title() string {
	if t.Name != "" {
		return t.Name
	}
	return t.Source
}

// checkSubject requires a subject that a request may name.
func checkSubject(subject string) error {
	if subject == "" {
		return errors.New("subject: missing: who asks")
	}
	if err := validName(subject); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return nil
}

// validName checks a subject or role name by authz's rules, which authz
// applies where a rule holds the name: a grant to name checks it exactly as
// a request's subject is checked. The error matches authz.ErrInvalidSubject.
func validName(name string) error {
	probe := authz.Grant{Subject: name, Permission: "names:check", Scope: permissions.Any, Effect: authz.Allow}
	return probe.Validate()
}

// checkTenant requires a tenant that a request may be made in: none, or a
// name as authz checks the tenant of a rule, without the "*" that makes a
// rule hold in every tenant. The error matches authz.ErrInvalidTenant.
func checkTenant(tenant string) error {
	switch {
	case tenant == "":
		return nil
	case strings.Contains(tenant, "*"):
		return fmt.Errorf("tenant: %w: %q: a request is made in one tenant; %q is for rules",
			authz.ErrInvalidTenant, tenant, authz.AllTenants)
	}
	return prefix("tenant", checkRuleTenant(tenant))
}

// checkRuleTenant requires a tenant that a role assignment may name: a
// tenant, or "*" for every tenant.
func checkRuleTenant(tenant string) error {
	probe := authz.RoleAssignment{Member: "tenant-check", Role: "tenant-check-role", Tenant: tenant}
	if tenant == "" {
		return fmt.Errorf("%w: empty", authz.ErrInvalidTenant)
	}
	return probe.Validate()
}

// checkID requires an id that a relation's resource may have: the
// resource is named by the permission's resource and the id, "posts:42".
// The error matches authz.ErrInvalidResource.
func checkID(id string, p permissions.Permission) error {
	if id == "" {
		return nil
	}
	typ := p.Resource()
	if p.ValidateRequest() != nil {
		typ = "resources" // the permission's own error is reported
	}
	return prefix("id", authz.ValidateResourceName(authz.ResourceName(typ, id)))
}

// checkPermission requires a permission that a request may name: one
// action, no wildcard.
func checkPermission(p permissions.Permission) error {
	if p == "" {
		return errors.New("permission: missing: want resource:action")
	}
	if err := p.ValidateRequest(); err != nil {
		return fmt.Errorf("permission: %w", err)
	}
	return nil
}

// checkRule requires rule to be unset, NoRule, or a grant whose effect can
// give the answer allow.
func checkRule(rule string, allow bool) error {
	g, err := parseRule(rule)
	if err != nil || g == nil {
		return err
	}
	switch {
	case allow && g.Effect == authz.Deny:
		return fmt.Errorf("rule: %q denies, so it cannot decide a case that wants allow", rule)
	case !allow && g.Effect == authz.Allow:
		return fmt.Errorf("rule: %q allows, so it cannot decide a case that wants deny", rule)
	}
	return nil
}

// parseRule reads a Case.Rule: nil for "" (nothing to check), the zero
// Grant for NoRule (what Decision.Rule holds when no rule matched), and
// otherwise the grant written.
func parseRule(rule string) (*authz.Grant, error) {
	switch rule {
	case "":
		return nil, nil
	case NoRule:
		return &authz.Grant{}, nil
	}
	lines := authz.ScanPolicy("rule", rule)
	kind, _, _ := strings.Cut(rule, ",")
	if len(lines) != 1 || strings.TrimSpace(kind) != "p" {
		return nil, fmt.Errorf("rule: %q: want a grant line %q (%q with a tenant), or %q", rule,
			"p, subject, permission, scope, effect", "p, subject, tenant, permission, scope, effect", NoRule)
	}
	if l := lines[0]; l.Err != nil {
		return nil, fmt.Errorf("rule: %q: %w", rule, l.Err.Err)
	}
	return lines[0].Grant, nil
}

// checkRelation requires relation to be unset, NoRule, or a relation line
// that can decide a case about the resource id names through rule.
func checkRelation(relation, rule, id string) error {
	r, err := parseRelation(relation)
	if err != nil || r == nil || *r == (authz.Relation{}) {
		return err
	}
	switch {
	case id == "":
		return fmt.Errorf("relation: %q: a relation applies only to a case about one resource: give its id", relation)
	case rule == NoRule:
		return fmt.Errorf("relation: %q: a relation applies only through a rule, and the case wants none to match", relation)
	}
	return nil
}

// parseRelation reads a Case.Relation: nil for "" (nothing to check), the
// zero Relation for NoRule (what Decision.Relation holds when the rule
// applied through none), and otherwise the relation written.
func parseRelation(relation string) (*authz.Relation, error) {
	switch relation {
	case "":
		return nil, nil
	case NoRule:
		return &authz.Relation{}, nil
	}
	lines := authz.ScanPolicy("relation", relation)
	kind, _, _ := strings.Cut(relation, ",")
	if len(lines) != 1 || strings.TrimSpace(kind) != "g2" {
		return nil, fmt.Errorf("relation: %q: want a relation line %q, with its expiry last if it has one, or %q",
			relation, "g2, subject, role, type:id", NoRule)
	}
	if l := lines[0]; l.Err != nil {
		return nil, fmt.Errorf("relation: %q: %w", relation, l.Err.Err)
	}
	return lines[0].Relation, nil
}
