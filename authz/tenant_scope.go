package authz

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Tenant is an Engine seen from one tenant, under a model with tenants: its
// methods are the Engine's, with the tenant filled in. Get one with
// Engine.Tenant; it is a small value, cheap to make per request.
//
// Methods that edit or list assignments (AssignRole, SetRoles,
// AssignedRoles, Members) work on the tenant exactly, which may be
// AllTenants for platform-wide roles. Methods that answer for a request
// (Decide, Filter, Roles, Permissions, IsMember) follow what applies in the
// tenant: its own rules, those of the tenants above it, and those for
// AllTenants.
type Tenant struct {
	e    *Engine
	name string
}

// Tenant returns the engine seen from tenant name: a tenant ("acme",
// "acme/eu"), AllTenants to edit platform-wide rules, or "" for the
// platform's level, outside every tenant. The name is checked by each
// method, which fails with ErrInvalidTenant for a malformed one.
func (e *Engine) Tenant(name string) Tenant { return Tenant{e: e, name: name} }

// Name returns the tenant's name.
func (t Tenant) Name() string { return t.name }

// Decide is Engine.Decide for a request made in the tenant.
func (t Tenant) Decide(ctx context.Context, req Request) (Decision, error) {
	req.Tenant = t.name
	return t.e.Decide(ctx, req)
}

// Filter is Engine.Filter in the tenant.
func (t Tenant) Filter(ctx context.Context, subject string, perm permissions.Permission) (ListFilter, error) {
	return t.e.filter(ctx, t.name, subject, perm)
}

// AddGrant is Engine.AddGrant with g's Tenant set to the tenant.
func (t Tenant) AddGrant(ctx context.Context, g Grant) error {
	g.Tenant = t.name
	return t.e.AddGrant(ctx, g)
}

// RemoveGrant is Engine.RemoveGrant with g's Tenant set to the tenant.
func (t Tenant) RemoveGrant(ctx context.Context, g Grant) error {
	g.Tenant = t.name
	return t.e.RemoveGrant(ctx, g)
}

// AssignRole makes subject hold role in the tenant and the tenants below
// it (in every tenant, for AllTenants), as Engine.AssignRole does. Cycles
// and chains longer than MaxRoleDepth are refused across tenants: a role
// may not hold itself in any tenant, even through assignments made in
// different ones.
func (t Tenant) AssignRole(ctx context.Context, subject, role string) error {
	return t.e.assignRole(ctx, RoleAssignment{Member: subject, Role: role, Tenant: t.name})
}

// UnassignRole removes subject's direct hold of role in the tenant.
func (t Tenant) UnassignRole(ctx context.Context, subject, role string) error {
	return t.e.unassignRole(ctx, RoleAssignment{Member: subject, Role: role, Tenant: t.name})
}

// AddInheritance makes role inherit every grant of parent in the tenant.
func (t Tenant) AddInheritance(ctx context.Context, role, parent string) error {
	return t.AssignRole(ctx, role, parent)
}

// RemoveInheritance undoes AddInheritance.
func (t Tenant) RemoveInheritance(ctx context.Context, role, parent string) error {
	return t.UnassignRole(ctx, role, parent)
}

// SetRoles makes roles the exact set of roles subject holds directly in the
// tenant, in one atomic edit, as Engine.SetRoles does; its roles in other
// tenants do not change.
func (t Tenant) SetRoles(ctx context.Context, subject string, roles []string) error {
	return t.e.setRoles(ctx, t.name, subject, roles)
}

// Roles returns every role subject holds in the tenant, directly or through
// other roles, in the tenant, the tenants above it or every tenant; sorted,
// never nil.
func (t Tenant) Roles(ctx context.Context, subject string) ([]string, error) {
	return t.e.roles(ctx, t.name, subject)
}

// AssignedRoles returns the roles subject was assigned in the tenant
// exactly, sorted, never nil.
func (t Tenant) AssignedRoles(ctx context.Context, subject string) ([]string, error) {
	return t.e.assignedRoles(ctx, t.name, subject)
}

// Members returns the subjects and roles assigned role in the tenant
// exactly, sorted, never nil.
func (t Tenant) Members(ctx context.Context, role string) ([]string, error) {
	return t.e.members(ctx, t.name, role)
}

// Permissions returns every grant that applies to subject in the tenant,
// in policy order.
func (t Tenant) Permissions(ctx context.Context, subject string) ([]Grant, error) {
	return t.e.permissions(ctx, t.name, subject)
}

// IsMember reports whether subject has a rule of its own — a role it was
// assigned or a grant it was given — that applies in the tenant: in it, in
// a tenant above it, or in every tenant. The HTTP guard answers a request
// for a tenant its caller is not a member of as if the tenant did not
// exist. Like decisions, it reads no lock under gatehouse's own model.
func (t Tenant) IsMember(ctx context.Context, subject string) (member bool, err error) {
	e := t.e
	defer e.contain(&err, "looking up a member")
	if err := e.readable(ctx, subject); err != nil {
		return false, err
	}
	if err := e.checkRequestTenant(t.name); err != nil {
		return false, err
	}
	if ix := e.index.Load(); ix != nil {
		return ix.member(subject, t.name), nil
	}
	subject, tenant := strings.Clone(subject), strings.Clone(t.name)
	e.mu.RLock()
	defer e.mu.RUnlock()
	visible := visibleTenants(e.tenanted, tenant, nil)
	p, err := e.currentPolicy()
	if err != nil {
		return false, err
	}
	for _, g := range p.Grants {
		if g.Subject == subject && slices.Contains(visible, g.Tenant) {
			return true, nil
		}
	}
	for _, a := range p.Roles {
		if a.Member == subject && slices.Contains(visible, a.Tenant) {
			return true, nil
		}
	}
	return false, nil
}

// Membership is a subject's place in a tenant: the roles it was assigned
// there.
type Membership struct {
	Subject string
	Roles   []string
}

// Memberships returns the subjects assigned a role in the tenant exactly,
// each with its roles there, sorted by subject and role. Roles assigned to
// roles (inheritance) are left out: a name some subject or role holds is a
// role, not a member.
func (t Tenant) Memberships(ctx context.Context) (members []Membership, err error) {
	e := t.e
	defer e.contain(&err, "listing members")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := e.checkRuleTenant(t.name); err != nil {
		return nil, err
	}
	if err := e.Err(); err != nil {
		return nil, err
	}
	tenant := strings.Clone(t.name)
	e.mu.RLock()
	defer e.mu.RUnlock()
	var rules [][]string
	if ix := e.index.Load(); ix != nil {
		for role, m := range ix.everyAssignment() {
			if m.tenant == tenant {
				rules = append(rules, RoleAssignment{Member: m.member, Role: role, Tenant: tenant}.rule())
			}
		}
	} else if rules, err = e.enforcer.GetFilteredGroupingPolicy(2, tenant); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEngine, err)
	}
	isRole, err := e.roleTest()
	if err != nil {
		return nil, err
	}
	bySubject := map[string][]string{}
	for _, rule := range rules {
		if a := RoleFromRule(rule); !isRole(a.Member) {
			bySubject[a.Member] = append(bySubject[a.Member], a.Role)
		}
	}
	members = make([]Membership, 0, len(bySubject))
	for subject, roles := range bySubject {
		slices.Sort(roles)
		members = append(members, Membership{Subject: subject, Roles: roles})
	}
	slices.SortFunc(members, func(a, b Membership) int { return strings.Compare(a.Subject, b.Subject) })
	return members, nil
}

// roleTest returns a test of whether some name holds a name, in any
// tenant: the index's counts, or else one pass over every assignment
// rather than one per name asked. The caller holds e.mu.
func (e *Engine) roleTest() (func(string) bool, error) {
	if ix := e.index.Load(); ix != nil {
		return func(name string) bool { return ix.memberCount(name) > 0 }, nil
	}
	rules, err := e.enforcer.GetGroupingPolicy()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEngine, err)
	}
	roles := map[string]bool{}
	for _, rule := range rules {
		roles[RoleFromRule(rule).Role] = true
	}
	return func(name string) bool { return roles[name] }, nil
}

// Tenanted reports whether the engine's model has tenants.
func (e *Engine) Tenanted() bool { return e.tenanted }

// Tenants returns the tenants in which subject has rules of its own — roles
// it was assigned, grants it was given — sorted; AllTenants among them when
// it has platform-wide ones. It is in the tenants below those too. Never
// nil.
func (e *Engine) Tenants(ctx context.Context, subject string) (tenants []string, err error) {
	defer e.contain(&err, "listing tenants")
	if err := e.readable(ctx, subject); err != nil {
		return nil, err
	}
	if !e.tenanted {
		return nil, fmt.Errorf("%w: the model has no tenants", ErrInvalidTenant)
	}
	tenants = []string{}
	add := func(t string) {
		if !slices.Contains(tenants, t) {
			tenants = append(tenants, t)
		}
	}
	if ix := e.index.Load(); ix != nil {
		h, _ := ix.record(subject)
		for _, l := range h.parents() {
			add(l.tenant)
		}
		for _, g := range h.grants() {
			add(g.grant.Tenant)
		}
	} else {
		subject = strings.Clone(subject)
		e.mu.RLock()
		defer e.mu.RUnlock()
		grants, _ := e.enforcer.GetFilteredPolicy(0, subject)
		for _, rule := range grants {
			add(grantFromRule(rule).Tenant)
		}
		roles, _ := e.enforcer.GetFilteredGroupingPolicy(0, subject)
		for _, rule := range roles {
			add(RoleFromRule(rule).Tenant)
		}
	}
	slices.Sort(tenants)
	return tenants, nil
}

// RemoveTenant removes every rule of tenant and of the tenants below it,
// grants and role assignments, in one atomic edit: deleting "acme" deletes
// "acme/eu" with it. Rules for AllTenants stay. Removing a tenant the
// policy does not mention is not an error.
func (e *Engine) RemoveTenant(ctx context.Context, tenant string) error {
	if !e.tenanted {
		return fmt.Errorf("%w: the model has no tenants", ErrInvalidTenant)
	}
	if err := validateTenant(tenant); err != nil {
		return err
	}
	if err := e.checkHeld(tenant); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		p, err := e.currentPolicy()
		if err != nil {
			return Change{}, err
		}
		var c Change
		for _, g := range p.Grants {
			if within(g.Tenant, tenant) {
				c.RemoveGrants = append(c.RemoveGrants, g)
			}
		}
		for _, a := range p.Roles {
			if within(a.Tenant, tenant) {
				c.RemoveRoles = append(c.RemoveRoles, a)
			}
		}
		return c, nil
	})
}
