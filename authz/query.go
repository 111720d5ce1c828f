package authz

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// Roles returns every role subject holds, directly or through other roles,
// sorted by name; never nil. A subject the policy does not mention has none.
// Under a model with tenants it answers at the platform's level, outside
// every tenant; Engine.Tenant(name).Roles answers in a tenant.
func (e *Engine) Roles(ctx context.Context, subject string) (roles []string, err error) {
	return e.roles(ctx, "", subject)
}

func (e *Engine) roles(ctx context.Context, tenant, subject string) (roles []string, err error) {
	defer e.contain(&err, "listing roles")
	if err := e.readable(ctx, subject); err != nil {
		return nil, err
	}
	if err := e.checkRequestTenant(tenant); err != nil {
		return nil, err
	}
	subject, tenant = strings.Clone(subject), strings.Clone(tenant)
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.transitiveRoles(subject, tenant), nil
}

// AssignedRoles returns the roles subject holds directly, sorted by name and
// never nil: the ones AssignRole and SetRoles gave it. Under a model with
// tenants use Engine.Tenant(name).AssignedRoles.
func (e *Engine) AssignedRoles(ctx context.Context, subject string) (roles []string, err error) {
	return e.assignedRoles(ctx, "", subject)
}

func (e *Engine) assignedRoles(ctx context.Context, tenant, subject string) (roles []string, err error) {
	defer e.contain(&err, "listing roles")
	if err := e.readable(ctx, subject); err != nil {
		return nil, err
	}
	if err := e.checkRuleTenant(tenant); err != nil {
		return nil, err
	}
	subject, tenant = strings.Clone(subject), strings.Clone(tenant)
	e.mu.RLock()
	defer e.mu.RUnlock()
	roles = append([]string{}, e.directRolesIn(subject, tenant)...)
	slices.Sort(roles)
	return roles, nil
}

// Members returns the subjects and roles that hold role directly, sorted by
// name; never nil. Under a model with tenants use
// Engine.Tenant(name).Members.
func (e *Engine) Members(ctx context.Context, role string) (members []string, err error) {
	return e.members(ctx, "", role)
}

func (e *Engine) members(ctx context.Context, tenant, role string) (members []string, err error) {
	defer e.contain(&err, "listing members")
	if err := e.readable(ctx, role); err != nil {
		return nil, err
	}
	if err := e.checkRuleTenant(tenant); err != nil {
		return nil, err
	}
	role, tenant = strings.Clone(role), strings.Clone(tenant)
	e.mu.RLock()
	defer e.mu.RUnlock()
	members = append([]string{}, e.directMembersIn(role, tenant)...)
	slices.Sort(members)
	return members, nil
}

// Permissions returns every grant that applies to subject: its own and those
// of every role it holds, directly or not, in policy order. Deny grants are
// included, since they take part in subject's decisions. Under a model with
// tenants it answers at the platform's level; Engine.Tenant(name).Permissions
// answers in a tenant.
func (e *Engine) Permissions(ctx context.Context, subject string) (grants []Grant, err error) {
	return e.permissions(ctx, "", subject)
}

func (e *Engine) permissions(ctx context.Context, tenant, subject string) (grants []Grant, err error) {
	defer e.contain(&err, "listing permissions")
	if err := e.readable(ctx, subject); err != nil {
		return nil, err
	}
	if err := e.checkRequestTenant(tenant); err != nil {
		return nil, err
	}
	subject, tenant = strings.Clone(subject), strings.Clone(tenant)
	e.mu.RLock()
	defer e.mu.RUnlock()
	holders := map[string]bool{subject: true}
	for _, role := range e.transitiveRoles(subject, tenant) {
		holders[role] = true
	}
	visible := visibleTenants(e.tenanted, tenant, nil)
	if ix := e.index.Load(); ix != nil {
		var found []indexedGrant
		for holder := range holders {
			h, _ := ix.record(holder)
			for _, g := range h.grants() {
				if slices.Contains(visible, g.grant.Tenant) {
					found = append(found, g)
				}
			}
		}
		slices.SortFunc(found, func(a, b indexedGrant) int { return cmp.Compare(a.seq, b.seq) })
		for _, g := range found {
			grants = append(grants, g.grant)
		}
		return grants, nil
	}
	rules, err := e.enforcer.GetPolicy()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrEngine, err)
	}
	for _, rule := range rules {
		if g := grantFromRule(rule); holders[g.Subject] && slices.Contains(visible, g.Tenant) {
			grants = append(grants, g)
		}
	}
	return grants, nil
}

// Policy returns the whole policy, grants and role assignments, in policy
// order.
func (e *Engine) Policy(ctx context.Context) (p Policy, err error) {
	defer e.contain(&err, "reading the policy")
	if err := ctx.Err(); err != nil {
		return Policy{}, err
	}
	if err := e.Err(); err != nil {
		return Policy{}, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.currentPolicy()
}

// currentPolicy reads the policy from the enforcer; the caller holds e.mu
// or editMu.
func (e *Engine) currentPolicy() (Policy, error) {
	if ix := e.index.Load(); ix != nil {
		return ix.policy(), nil
	}
	grants, err := e.enforcer.GetPolicy()
	if err != nil {
		return Policy{}, fmt.Errorf("%w: %w", ErrEngine, err)
	}
	roles, err := e.enforcer.GetGroupingPolicy()
	if err != nil {
		return Policy{}, fmt.Errorf("%w: %w", ErrEngine, err)
	}
	var p Policy
	for _, rule := range grants {
		p.Grants = append(p.Grants, grantFromRule(rule))
	}
	for _, rule := range roles {
		p.Roles = append(p.Roles, RoleFromRule(rule))
	}
	// Casbin holds only rules the engine gave it. One of another length
	// means its memory is corrupt: the callers contain this as the panic
	// indexing it would have been, and the engine rebuilds its policy.
	for i, g := range p.Grants {
		if g.Subject == "" {
			panic(fmt.Sprintf("Casbin holds a grant of %d values", len(grants[i])))
		}
	}
	for i, a := range p.Roles {
		if a.Member == "" {
			panic(fmt.Sprintf("Casbin holds a role assignment of %d values", len(roles[i])))
		}
	}
	// Expiries, relations and parents live in the index alone.
	if ix := e.index.Load(); ix != nil {
		if ix.expiring > 0 {
			for i := range p.Grants {
				p.Grants[i].Expires = ix.grantExpiry(p.Grants[i])
			}
			for i := range p.Roles {
				p.Roles[i].Expires = ix.roleExpiry(p.Roles[i])
			}
		}
		if ix.rel != nil {
			p.Relations, p.Parents = ix.rel.policy()
		}
	}
	return p, nil
}

// readable checks what every query needs. Like decisions, queries fail
// with ErrUnavailable while the engine cannot vouch for its policy.
func (e *Engine) readable(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := validateName("subject", name); err != nil {
		return err
	}
	return e.Err()
}

// transitiveRoles returns, sorted, the roles subject holds in tenant within
// MaxRoleDepth assignments, the ones its decisions there honour; the caller
// holds e.mu or editMu.
func (e *Engine) transitiveRoles(subject, tenant string) []string {
	seen := map[string]bool{subject: true}
	level := []string{subject}
	roles := []string{}
	visible := visibleTenants(e.tenanted, tenant, nil)
	for depth := 0; depth < MaxRoleDepth && len(level) > 0; depth++ {
		var next []string
		for _, name := range level {
			var direct []string
			for _, t := range visible {
				direct = append(direct, e.directRolesIn(name, t)...)
			}
			for _, held := range direct {
				if !seen[held] {
					seen[held] = true
					roles = append(roles, held)
					next = append(next, held)
				}
			}
		}
		level = next
	}
	slices.Sort(roles)
	return roles
}

// IsRole reports whether some subject or role holds name, in any tenant:
// whether the policy uses name as a role. Subjects and roles share one namespace, so
// an authenticated id that is a role's name would hold that role's grants;
// the HTTP guard refuses such ids. A role nobody holds yet is not known as
// one: to tell subjects from roles for certain, give subjects ids of their
// own shape (guard.Config.IsSubject). Like decisions, IsRole reads no lock
// on gatehouse's own model.
func (e *Engine) IsRole(ctx context.Context, name string) (held bool, err error) {
	defer e.contain(&err, "looking up a role")
	if err := e.readable(ctx, name); err != nil {
		return false, err
	}
	if ix := e.index.Load(); ix != nil {
		return ix.memberCount(name) > 0, nil
	}
	name = strings.Clone(name)
	e.mu.RLock()
	defer e.mu.RUnlock()
	return len(e.directMembers(name)) > 0, nil
}
