package authz

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Tenants. Under a model with tenants (gatehouse.TenantModel), every grant
// and role assignment names the tenant it holds in, and every request the
// tenant it is made in. A tenant's name is a path: "acme/eu" is a tenant
// below "acme", and whatever holds in a tenant holds in the tenants below
// it, never the other way round — an administrator of acme administers
// acme/eu, one of acme/eu does not administer acme. AllTenants in a rule
// makes it hold in every tenant: a platform operator is "g, ops, operator,
// *", a role's grants written once for every tenant are "p, admin, *,
// users:*, any, allow".
//
// A request that names no tenant is made outside every tenant, at the
// platform's level: only rules written for AllTenants apply to it. So a
// request that forgets its tenant is never given what a tenant's rules
// give.

// AllTenants, as the tenant of a grant or role assignment, makes it hold in
// every tenant.
const AllTenants = "*"

// MaxTenantDepth is how many levels tenant names may have: "acme/eu/paris"
// has 3.
const MaxTenantDepth = 8

// validateTenant checks the name of one tenant, as requests and queries
// name it: a name as subjects' names are checked, split by "/" into at most
// MaxTenantDepth levels, none empty or with surrounding spaces, and no
// "*", which rules use for every tenant.
func validateTenant(name string) error {
	if err := validateName("tenant", name); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidTenant, err)
	}
	if strings.Contains(name, "*") {
		return fmt.Errorf("%w: %q: \"*\" may only stand alone, in a rule, for every tenant", ErrInvalidTenant, name)
	}
	// Every request's tenant is checked: no allocation.
	levels := 0
	for rest := name; ; levels++ {
		level, after, more := strings.Cut(rest, "/")
		if level == "" || strings.TrimSpace(level) != level {
			return fmt.Errorf("%w: %q: every level between \"/\" needs a name without surrounding spaces", ErrInvalidTenant, name)
		}
		if !more {
			break
		}
		rest = after
	}
	if levels+1 > MaxTenantDepth {
		return fmt.Errorf("%w: %q has %d levels; at most %d", ErrInvalidTenant, name, levels+1, MaxTenantDepth)
	}
	return nil
}

// validateRuleTenant checks the tenant of a grant or role assignment: a
// tenant, or AllTenants.
func validateRuleTenant(name string) error {
	if name == AllTenants {
		return nil
	}
	return validateTenant(name)
}

// tenantBuffer holds a request's tenant, the tenants above it and
// AllTenants without allocating.
const tenantBuffer = MaxTenantDepth + 1

// visibleTenants appends to out the tenants whose rules apply to a request
// in tenant: itself, the tenants above it, nearest first, and AllTenants;
// only AllTenants for a request outside every tenant. Under a model without
// tenants every rule has the empty tenant. The names share tenant's memory.
func visibleTenants(tenanted bool, tenant string, out []string) []string {
	if !tenanted {
		return append(out, "")
	}
	for t := tenant; t != ""; {
		out = append(out, t)
		i := strings.LastIndexByte(t, '/')
		if i < 0 {
			break
		}
		t = t[:i]
	}
	return append(out, AllTenants)
}

// TenantCovers reports whether a rule written for ruleTenant applies to a
// request in tenant: a rule for AllTenants applies everywhere, one for a
// tenant in that tenant and the tenants below it ("acme" covers "acme/eu",
// not "acme-corp"). Tools that reason about policies with tenants (lint,
// test coverage) use it to agree with decisions.
func TenantCovers(ruleTenant, tenant string) bool {
	return ruleTenant == AllTenants || within(tenant, ruleTenant)
}

// within reports whether tenant is name or below it: the tenants
// RemoveTenant(name) removes.
func within(tenant, name string) bool {
	return tenant == name || strings.HasPrefix(tenant, name) && len(tenant) > len(name) && tenant[len(name)] == '/'
}

// checkRuleTenant checks the tenant of a rule against the model — none
// without tenants, a tenant or AllTenants with them — and that the engine
// holds it.
func (e *Engine) checkRuleTenant(tenant string) error {
	if err := e.checkRuleShape(tenant); err != nil {
		return err
	}
	return e.checkHeld(tenant)
}

// checkRuleShape checks the tenant of a rule against the model.
func (e *Engine) checkRuleShape(tenant string) error {
	switch {
	case !e.tenanted && tenant != "":
		return fmt.Errorf("%w: %q: the model has no tenants, so rules name none (a grant has 4 values, a role assignment 2 values)",
			ErrInvalidTenant, tenant)
	case !e.tenanted:
		return nil
	case tenant == "":
		return fmt.Errorf("%w: the model has tenants: name the rule's tenant (Engine.Tenant, Grant.Tenant), or %q for every tenant",
			ErrInvalidTenant, AllTenants)
	}
	return validateRuleTenant(tenant)
}

// checkRequestTenant checks the tenant a request or query is made in:
// none without tenants; with them a tenant, or none for the platform's
// level, where only rules for AllTenants apply.
func (e *Engine) checkRequestTenant(tenant string) error {
	switch {
	case !e.tenanted && tenant != "":
		return fmt.Errorf("%w: %q: the model has no tenants", ErrInvalidTenant, tenant)
	case tenant == "":
		return nil
	}
	if err := validateTenant(tenant); err != nil {
		return err
	}
	return e.checkHeld(tenant)
}

// checkHeld refuses a tenant outside the tenants an engine restricted with
// WithTenants holds.
func (e *Engine) checkHeld(tenant string) error {
	if e.shard == nil || tenant == AllTenants || e.shard.holds(tenant) {
		return nil
	}
	return fmt.Errorf("%w: %q: this engine holds only the tenants %q", ErrInvalidTenant, tenant, e.shard.names)
}

// validGrant validates g, whose Effect has its default, for e's model.
func (e *Engine) validGrant(g Grant) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return e.checkRuleTenant(g.Tenant)
}

// validRole validates a for e's model.
func (e *Engine) validRole(a RoleAssignment) error {
	if err := a.Validate(); err != nil {
		return err
	}
	return e.checkRuleTenant(a.Tenant)
}

// checkShape refuses a policy with a rule whose tenant does not fit e's
// model: a stored policy, or one to import, written for the other model.
func (e *Engine) checkShape(source string, p Policy) error {
	for _, g := range p.Grants {
		if err := e.checkRuleShape(g.Tenant); err != nil {
			return &PolicyError{Source: source, Text: g.String(), Err: err}
		}
	}
	for _, a := range p.Roles {
		if err := e.checkRuleShape(a.Tenant); err != nil {
			return &PolicyError{Source: source, Text: a.String(), Err: err}
		}
	}
	return nil
}

// WithTenants restricts the engine to the tenants named and the tenants
// below them, under a model with tenants: it loads only the rules that can
// apply there — theirs, those of the tenants above them, and those for
// AllTenants — decides only requests made there, and refuses edits
// elsewhere with ErrInvalidTenant. A store that implements TenantStore
// reads only those rules; any other store is read whole and filtered.
//
// It is how a deployment too large for one process splits its tenants
// across replicas: each replica holds some tenants, and a router in front
// sends each request to the replica that holds its tenant. Edits of rules
// for AllTenants reach every replica.
func WithTenants(tenants ...string) Option {
	return func(c *config) { c.tenants = append([]string{}, tenants...) }
}

// TenantFilter selects the rules an engine restricted with WithTenants
// loads.
type TenantFilter struct {
	// Tenants are the tenants held: their rules and those of every tenant
	// below them are selected.
	Tenants []string
	// Above are the tenants whose rules are selected exactly: the tenants
	// above those held, and AllTenants.
	Above []string
}

// Match reports whether the rules of tenant are selected.
func (f TenantFilter) Match(tenant string) bool {
	for _, t := range f.Tenants {
		if within(tenant, t) {
			return true
		}
	}
	for _, t := range f.Above {
		if tenant == t {
			return true
		}
	}
	return false
}

// Validate checks that f names tenants only, as a TenantStore must before
// it reads: every name in Tenants a tenant's name ("acme", "acme/eu"), and
// every name in Above a tenant's name or AllTenants. A name no rule can
// have (empty, with an empty level, "*" below a tenant, a control
// character, more than MaxTenantDepth levels) selects nothing at best,
// and at worst whatever a store's query language makes of it; the error
// matches ErrInvalidTenant and names it. The filters of engines restricted
// with WithTenants always pass.
func (f TenantFilter) Validate() error {
	for _, name := range f.Tenants {
		if err := validateTenant(name); err != nil {
			return fmt.Errorf("tenant filter: %w", err)
		}
	}
	for _, name := range f.Above {
		if err := validateRuleTenant(name); err != nil {
			return fmt.Errorf("tenant filter: %w", err)
		}
	}
	return nil
}

// apply returns the rules of p whose tenant f matches, in p's order, in
// slices of their own.
func (f TenantFilter) apply(p Policy) Policy {
	var out Policy
	for _, g := range p.Grants {
		if f.Match(g.Tenant) {
			out.Grants = append(out.Grants, g)
		}
	}
	for _, a := range p.Roles {
		if f.Match(a.Tenant) {
			out.Roles = append(out.Roles, a)
		}
	}
	return out
}

// TenantStore is a Store that can load the rules of some tenants only, for
// engines restricted with WithTenants. Both of gatehouse's stores are one;
// the conformance suite of authz/storetest checks a store that implements
// it against its own Load.
type TenantStore interface {
	Store

	// LoadTenants is Load restricted to the rules whose tenant f matches
	// (TenantFilter.Match): the same order, the same consistency, and the
	// revision of the whole store. Names are compared exactly: no
	// character of a name is a pattern, and names differing in case are
	// different tenants. A filter that f.Validate refuses is refused with
	// its error, which matches ErrInvalidTenant, and nothing is read. Like
	// Load's, the values returned belong to the caller, and the store
	// keeps nothing of f. Relations and parents have no tenant, and need
	// the model without tenants: LoadTenants returns none, and does not
	// fail on a store that holds some.
	LoadTenants(ctx context.Context, f TenantFilter) (Policy, int64, error)
}

// tenantShard is the set of tenants an engine restricted with WithTenants
// holds.
type tenantShard struct {
	names   []string
	selects TenantFilter
}

func newTenantShard(tenanted bool, names []string) (*tenantShard, error) {
	if !tenanted {
		return nil, fmt.Errorf("%w: WithTenants needs a model with tenants", ErrInvalidTenant)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: WithTenants needs at least one tenant", ErrInvalidTenant)
	}
	s := &tenantShard{names: names}
	s.selects.Tenants = names
	s.selects.Above = []string{AllTenants}
	for _, name := range names {
		if err := validateTenant(name); err != nil {
			return nil, err
		}
		for _, t := range visibleTenants(true, name, nil)[1:] {
			if !slices.Contains(s.selects.Above, t) {
				s.selects.Above = append(s.selects.Above, t)
			}
		}
	}
	return s, nil
}

// holds reports whether tenant is one of the shard's or below one.
func (s *tenantShard) holds(tenant string) bool {
	for _, name := range s.names {
		if within(tenant, name) {
			return true
		}
	}
	return false
}

// filter returns the rules of p the shard loads; all of p for no shard.
func (s *tenantShard) filter(p Policy) Policy {
	if s == nil {
		return p
	}
	return s.selects.apply(p)
}

// filterChange returns the part of c the shard holds; all of c for no
// shard.
func (s *tenantShard) filterChange(c Change) Change {
	if s == nil {
		return c
	}
	removed := s.filter(Policy{Grants: c.RemoveGrants, Roles: c.RemoveRoles})
	added := s.filter(Policy{Grants: c.AddGrants, Roles: c.AddRoles})
	return Change{RemoveGrants: removed.Grants, RemoveRoles: removed.Roles, AddGrants: added.Grants, AddRoles: added.Roles}
}
