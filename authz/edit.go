package authz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

func (c Change) empty() bool {
	return len(c.RemoveGrants)+len(c.RemoveRoles)+len(c.AddGrants)+len(c.AddRoles)+
		len(c.RemoveRelations)+len(c.AddRelations)+len(c.RemoveParents)+len(c.AddParents) == 0
}

// AddGrant adds g to the policy. The zero Effect means Allow. A grant the
// policy has with another expiry is given g's, in one edit. It returns an
// error matching ErrExists if the policy already has g as it is,
// ErrInvalidExpiry for an expiry not after now, and a validation error
// (ErrInvalidSubject, permissions.ErrInvalidPermission,
// permissions.ErrInvalidScope, ErrInvalidEffect) for a malformed g.
func (e *Engine) AddGrant(ctx context.Context, g Grant) error {
	g = g.withDefaults()
	if err := e.validGrant(g); err != nil {
		return err
	}
	if err := e.checkExpiry(g.Expires, g); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		old, ok := e.grantLine(g)
		switch {
		case ok && old == g:
			return Change{}, fmt.Errorf("%w: %s", ErrExists, g)
		case ok:
			return Change{RemoveGrants: []Grant{old}, AddGrants: []Grant{g}}, nil
		}
		return Change{AddGrants: []Grant{g}}, nil
	})
}

// RemoveGrant removes g from the policy, whatever its expiry (g.Expires is
// not compared). The zero Effect means Allow. It returns an error matching
// ErrNotFound if the policy does not have g.
func (e *Engine) RemoveGrant(ctx context.Context, g Grant) error {
	g = g.withDefaults().key()
	if err := e.validGrant(g); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		old, ok := e.grantLine(g)
		if !ok {
			return Change{}, fmt.Errorf("%w: %s", ErrNotFound, g)
		}
		return Change{RemoveGrants: []Grant{old}}, nil
	})
}

// MaxRoleDepth is the longest chain of role assignments decisions follow
// (Casbin's role manager stops there): in "g, bob, user", "g, user, reader"
// bob holds reader through a chain of 2. Edits that would make a longer
// chain are refused with ErrTooDeep rather than silently not inherited.
const MaxRoleDepth = 10

// AssignRole makes subject hold role, so that it inherits every grant of
// role and of the roles role holds. It returns an error matching ErrExists
// if subject holds role already, ErrCycle if role holds subject (directly or
// through other roles), which would make the two one role, and ErrTooDeep if
// the assignment would make a chain longer than MaxRoleDepth.
//
// Under a model with tenants, roles are assigned in a tenant: use
// Engine.Tenant(name).AssignRole.
func (e *Engine) AssignRole(ctx context.Context, subject, role string) error {
	return e.assignRole(ctx, RoleAssignment{Member: subject, Role: role})
}

// AssignRoleUntil is AssignRole for a time: subject holds role until
// expires, and decisions from then on ignore the assignment. An
// assignment subject holds already is given the new expiry. It returns an
// error matching ErrInvalidExpiry for an expiry not after now.
func (e *Engine) AssignRoleUntil(ctx context.Context, subject, role string, expires time.Time) error {
	if expires.IsZero() {
		return fmt.Errorf("%w: no expiry: use AssignRole", ErrInvalidExpiry)
	}
	return e.assignRole(ctx, RoleAssignment{Member: subject, Role: role, Expires: expires})
}

func (e *Engine) assignRole(ctx context.Context, a RoleAssignment) error {
	a.Expires = normalExpiry(a.Expires)
	if err := e.validRole(a); err != nil {
		return err
	}
	if err := e.checkExpiry(a.Expires, a); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		old, ok := e.roleLine(a)
		switch {
		case ok && old == a:
			return Change{}, fmt.Errorf("%w: %s", ErrExists, a)
		case ok:
			return Change{RemoveRoles: []RoleAssignment{old}, AddRoles: []RoleAssignment{a}}, nil
		}
		if err := e.checkAssignable(a); err != nil {
			return Change{}, err
		}
		return Change{AddRoles: []RoleAssignment{a}}, nil
	})
}

// UnassignRole removes subject's direct hold of role. Roles subject holds
// through other roles are not affected. It returns an error matching
// ErrNotFound if subject does not hold role directly.
func (e *Engine) UnassignRole(ctx context.Context, subject, role string) error {
	return e.unassignRole(ctx, RoleAssignment{Member: subject, Role: role})
}

func (e *Engine) unassignRole(ctx context.Context, a RoleAssignment) error {
	a = a.key()
	if err := e.validRole(a); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		old, ok := e.roleLine(a)
		if !ok {
			return Change{}, fmt.Errorf("%w: %s", ErrNotFound, a)
		}
		return Change{RemoveRoles: []RoleAssignment{old}}, nil
	})
}

// AddInheritance makes role inherit every grant of parent: a moderator is a
// user with more grants, so AddInheritance(ctx, "moderator", "user"). It is
// AssignRole with a role as the member, named for what it means.
func (e *Engine) AddInheritance(ctx context.Context, role, parent string) error {
	return e.AssignRole(ctx, role, parent)
}

// RemoveInheritance undoes AddInheritance.
func (e *Engine) RemoveInheritance(ctx context.Context, role, parent string) error {
	return e.UnassignRole(ctx, role, parent)
}

// SetRoles makes roles the exact set of roles subject holds directly,
// adding and removing assignments in one atomic edit: a concurrent decision
// sees the old set or the new one, never a mix. Duplicates in roles are
// ignored; an empty roles removes every direct role. It returns ErrCycle if
// any of roles holds subject and ErrTooDeep as AssignRole does.
func (e *Engine) SetRoles(ctx context.Context, subject string, roles []string) error {
	return e.setRoles(ctx, "", subject, roles)
}

func (e *Engine) setRoles(ctx context.Context, tenant, subject string, roles []string) error {
	if err := validateName("subject", subject); err != nil {
		return err
	}
	if err := e.checkRuleTenant(tenant); err != nil {
		return err
	}
	want := make([]RoleAssignment, 0, len(roles))
	for _, role := range roles {
		a := RoleAssignment{Member: subject, Role: role, Tenant: tenant}
		if err := a.Validate(); err != nil {
			return err
		}
		if !slices.Contains(want, a) {
			want = append(want, a)
		}
	}
	return e.edit(ctx, func() (Change, error) {
		var c Change
		for _, role := range e.directRolesIn(subject, tenant) {
			a := RoleAssignment{Member: subject, Role: role, Tenant: tenant}
			if !slices.Contains(want, a) {
				old, _ := e.roleLine(a)
				c.RemoveRoles = append(c.RemoveRoles, old)
			}
		}
		for _, a := range want {
			if e.hasRole(a) {
				continue
			}
			if err := e.checkAssignable(a); err != nil {
				return Change{}, err
			}
			c.AddRoles = append(c.AddRoles, a)
		}
		return c, nil
	})
}

// RemoveSubject removes every rule that names name, in every tenant: its
// grants, the roles it holds, the relations it holds, and, if it is a role,
// the assignments of its members and the relations that give it. Use it
// when a user or API key is deleted, so that a later subject reusing the id
// inherits nothing. Removing a name the policy does not mention is not an
// error.
func (e *Engine) RemoveSubject(ctx context.Context, name string) error {
	if err := validateName("subject", name); err != nil {
		return err
	}
	return e.edit(ctx, func() (Change, error) {
		var c Change
		if ix := e.index.Load(); ix != nil {
			h, _ := ix.record(name)
			for _, g := range h.grants() {
				c.RemoveGrants = append(c.RemoveGrants, g.grant)
			}
			for _, l := range h.parents() {
				c.RemoveRoles = append(c.RemoveRoles, RoleAssignment{Member: name, Role: l.role, Tenant: l.tenant, Expires: unixExpiry(l.expires)})
			}
			c.RemoveRoles = append(c.RemoveRoles, ix.assignmentsOf(name)...)
			c.RemoveRelations = e.relations().relationsNaming(name)
			return c, nil
		}
		grants, err := e.enforcer.GetFilteredPolicy(0, name)
		if err != nil {
			return Change{}, fmt.Errorf("%w: %w", ErrEngine, err)
		}
		for _, rule := range grants {
			old, _ := e.grantLine(grantFromRule(rule))
			c.RemoveGrants = append(c.RemoveGrants, old)
		}
		for field := 0; field < 2; field++ {
			roles, err := e.enforcer.GetFilteredGroupingPolicy(field, name)
			if err != nil {
				return Change{}, fmt.Errorf("%w: %w", ErrEngine, err)
			}
			for _, rule := range roles {
				old, _ := e.roleLine(RoleFromRule(rule))
				c.RemoveRoles = append(c.RemoveRoles, old)
			}
		}
		c.RemoveRelations = e.relations().relationsNaming(name)
		return c, nil
	})
}

// editAttempts bounds how often an edit is planned again after finding
// that a peer changed the policy first.
const editAttempts = 5

// edit plans a change against the policy in memory and commits it, under
// editMu. The store refuses the commit if a peer has edited the policy
// since memory was loaded (ErrStale); the engine then reloads and plans
// again, so every check an edit makes (exists, cycle, depth) holds against
// the policy it is actually applied to, whichever replica made it.
func (e *Engine) edit(ctx context.Context, plan func() (Change, error)) (err error) {
	e.editMu.Lock()
	defer e.editMu.Unlock()
	var c Change
	if e.observer != nil {
		defer func() {
			revision := int64(0)
			if err == nil && !c.empty() {
				revision = e.revision
			}
			e.edited(ctx, c, revision, err)
		}()
	}
	if e.failure() != nil {
		if err := e.recoverLocked(ctx); err != nil {
			return err
		}
	}
	for attempt := 1; ; attempt++ {
		if c, err = e.plan(plan); err != nil {
			return err
		}
		err = e.commit(ctx, c)
		if !errors.Is(err, ErrStale) {
			return err
		}
		if attempt == editAttempts {
			return fmt.Errorf("%w: gave up after %d attempts: %w", ErrStore, attempt, err)
		}
		if err := e.reloadLocked(ctx); err != nil {
			return err
		}
	}
}

// plan runs an edit's plan, which reads Casbin, containing a panic.
func (e *Engine) plan(plan func() (Change, error)) (c Change, err error) {
	defer e.contain(&err, "planning an edit")
	return plan()
}

// commit persists c, then applies it to the policy decisions read and tells
// peers. The caller holds editMu, so the policy it checked c against is
// still current in memory; the store checks that it is current there too.
func (e *Engine) commit(ctx context.Context, c Change) error {
	if c.empty() {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Memory keeps c's names for as long as its rules stand.
	c = c.owned()
	c.Actor, c.At = ActorFrom(ctx), e.wallClock()
	revision := e.revision
	if e.store != nil {
		var err error
		if revision, err = e.applyStore(ctx, c, e.revision); err != nil {
			e.storeFailed(ctx, StoreEdit, err)
			if e.failure() != nil {
				// The store may or may not have c: read back what it has.
				if recoverErr := e.recoverLocked(ctx); recoverErr != nil {
					return fmt.Errorf("%w: %w (and reloading failed: %w)", ErrStore, err, recoverErr)
				}
			}
			return fmt.Errorf("%w: %w", ErrStore, err)
		}
	}
	err := e.applyLocked(c, revision)
	if e.sync != nil {
		// Committed: peers must hear of it whatever memory made of it.
		e.sync.publish(ctx, revision, c)
	}
	if err != nil {
		// Memory may hold part of c. With a store, which has all of it,
		// start again from the store rather than decide on a policy nobody
		// wrote; without one, go back to the policy before c.
		if recoverErr := e.recoverLocked(ctx); recoverErr != nil {
			err = fmt.Errorf("%w (and rebuilding the policy failed: %w)", err, recoverErr)
		}
		if !errors.Is(err, ErrEngine) {
			err = fmt.Errorf("%w: %w", ErrEngine, err)
		}
		return err
	}
	return nil
}

// applyLocked applies c, which brings the store to revision, to the
// enforcer and the index; the caller holds editMu.
func (e *Engine) applyLocked(c Change, revision int64) (err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	// Runs before the unlock: no decision reads a half-applied policy
	// without being failed.
	defer func() {
		if r := recover(); r != nil {
			err = e.recovered(r, ErrEngine, "applying an edit")
		}
		if err != nil {
			e.fail(err)
		}
	}()
	if err := applyChange(e, c); err != nil {
		return err
	}
	if e.indexed {
		e.index.Store(e.index.Load().apply(c, e.nextSeq))
		e.nextSeq += uint64(len(c.AddGrants))
	}
	e.setRevision(revision)
	return nil
}

// applyChange applies c to the in-memory policy; the caller holds e.mu.
func applyChange(e *Engine, c Change) error {
	if e.indexed {
		return nil // the index is the policy (see newEnforcer)
	}
	if len(c.RemoveGrants) > 0 {
		if _, err := e.enforcer.RemovePolicies(grantRules(c.RemoveGrants)); err != nil {
			return err
		}
	}
	if len(c.RemoveRoles) > 0 {
		if _, err := e.enforcer.RemoveGroupingPolicies(roleRules(c.RemoveRoles)); err != nil {
			return err
		}
	}
	if len(c.AddGrants) > 0 {
		if _, err := e.enforcer.AddPolicies(grantRules(c.AddGrants)); err != nil {
			return err
		}
	}
	if len(c.AddRoles) > 0 {
		if _, err := e.enforcer.AddGroupingPolicies(roleRules(c.AddRoles)); err != nil {
			return err
		}
	}
	if e.tenanted && !e.indexed && len(c.RemoveRoles) > 0 {
		// Casbin's matching of tenants removes an assignment made for
		// every tenant from each tenant's roles, even where the tenant has
		// the same assignment of its own: rebuild them from the rules.
		if err := e.enforcer.BuildRoleLinks(); err != nil {
			return err
		}
	}
	return nil
}

// The helpers below read the policy without e.mu: they run under editMu,
// and only editMu holders change the policy.

func (e *Engine) hasGrant(g Grant) bool {
	if ix := e.index.Load(); ix != nil {
		h, _ := ix.record(g.Subject)
		g = g.key()
		return slices.ContainsFunc(h.grants(), func(e indexedGrant) bool { return e.grant.key() == g })
	}
	ok, _ := e.enforcer.HasPolicy(g.rule())
	return ok
}

func (e *Engine) hasRole(a RoleAssignment) bool {
	if ix := e.index.Load(); ix != nil {
		h, _ := ix.record(a.Member)
		return slices.ContainsFunc(h.parents(), func(l parentLink) bool { return l.role == a.Role && l.tenant == a.Tenant })
	}
	ok, _ := e.enforcer.HasGroupingPolicy(a.rule())
	return ok
}

// grantLine returns the policy's grant with g's key, expiry included.
func (e *Engine) grantLine(g Grant) (Grant, bool) {
	if !e.hasGrant(g) {
		return Grant{}, false
	}
	g.Expires = time.Time{}
	if ix := e.index.Load(); ix != nil && ix.expiring > 0 {
		g.Expires = ix.grantExpiry(g)
	}
	return g, true
}

// roleLine returns the policy's role assignment with a's key, expiry
// included.
func (e *Engine) roleLine(a RoleAssignment) (RoleAssignment, bool) {
	if !e.hasRole(a) {
		return RoleAssignment{}, false
	}
	a.Expires = time.Time{}
	if ix := e.index.Load(); ix != nil && ix.expiring > 0 {
		a.Expires = ix.roleExpiry(a)
	}
	return a, true
}

// checkExpiry refuses an expiry not after now, for line, and any expiry
// under a model whose decisions Casbin's Enforce makes, which knows of
// none.
func (e *Engine) checkExpiry(expires time.Time, line fmt.Stringer) error {
	switch {
	case expires.IsZero():
		return nil
	case !e.indexed:
		return fmt.Errorf("%w: %s: expiries need gatehouse's matcher", ErrUnsupportedModel, line)
	case expires.Unix() <= e.now():
		return fmt.Errorf("%w: %s has expired already", ErrInvalidExpiry, line)
	}
	return nil
}

// domain returns the domain argument of Casbin's role manager for tenant:
// none under a model without tenants.
func (e *Engine) domain(tenant string) []string {
	if !e.tenanted {
		return nil
	}
	return []string{tenant}
}

// directMembersIn returns the subjects and roles that hold role directly
// in tenant, exactly.
func (e *Engine) directMembersIn(role, tenant string) []string {
	if ix := e.index.Load(); ix != nil {
		var out []string
		for m := range ix.membersOf(role) {
			if m.tenant == tenant {
				out = append(out, m.member)
			}
		}
		return out
	}
	if e.tenanted && !e.indexed {
		return e.linked(1, role, 0, tenant)
	}
	members, _ := e.enforcer.GetUsersForRole(role, e.domain(tenant)...)
	return members
}

// directRolesIn returns the roles member holds directly in tenant, exactly,
// from Casbin's role manager rather than by scanning every assignment. (For
// a model with tenants that the index does not serve, Casbin's role manager
// matches tenants, so its answer is not exact: the assignments are
// scanned.)
func (e *Engine) directRolesIn(member, tenant string) []string {
	if ix := e.index.Load(); ix != nil {
		h, _ := ix.record(member)
		var out []string
		for _, l := range h.parents() {
			if l.tenant == tenant {
				out = append(out, l.role)
			}
		}
		return out
	}
	if e.tenanted && !e.indexed {
		return e.linked(0, member, 1, tenant)
	}
	roles, _ := e.enforcer.GetRolesForUser(member, e.domain(tenant)...)
	return roles
}

// directRoles returns the roles member holds directly in any tenant. Edits
// check cycles and chains across tenants, which the decisions of one
// tenant can only meet in part.
func (e *Engine) directRoles(member string) []string {
	if !e.tenanted {
		return e.directRolesIn(member, "")
	}
	if ix := e.index.Load(); ix != nil {
		h, _ := ix.record(member)
		roles := make([]string, 0, len(h.parents()))
		for _, l := range h.parents() {
			if !slices.Contains(roles, l.role) {
				roles = append(roles, l.role)
			}
		}
		return roles
	}
	return e.linked(0, member, 1, "")
}

// directMembers returns the subjects and roles that hold role directly in
// any tenant.
func (e *Engine) directMembers(role string) []string {
	if !e.tenanted {
		return e.directMembersIn(role, "")
	}
	if ix := e.index.Load(); ix != nil {
		var out []string
		seen := map[string]bool{}
		for m := range ix.membersOf(role) {
			if !seen[m.member] {
				seen[m.member] = true
				out = append(out, m.member)
			}
		}
		return out
	}
	return e.linked(1, role, 0, "")
}

// linked returns, once each, the values in field want of the assignments
// whose field by is name, in tenant or, for "", in any tenant.
func (e *Engine) linked(by int, name string, want int, tenant string) []string {
	rules, _ := e.enforcer.GetFilteredGroupingPolicy(by, name)
	var out []string
	for _, rule := range rules {
		if tenant != "" && (len(rule) < 3 || rule[2] != tenant) {
			continue
		}
		if !slices.Contains(out, rule[want]) {
			out = append(out, rule[want])
		}
	}
	return out
}

// checkAssignable refuses a if a.Role already holds a.Member, following
// every chain of assignments, or if a would make a chain of assignments
// longer than MaxRoleDepth, beyond which decisions stop inheriting.
func (e *Engine) checkAssignable(a RoleAssignment) error {
	seen := map[string]bool{a.Role: true}
	queue := []string{a.Role}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, held := range e.directRoles(name) {
			if held == a.Member {
				return fmt.Errorf("%w: %q already holds %q, so %q cannot hold %q", ErrCycle, a.Role, a.Member, a.Member, a.Role)
			}
			if !seen[held] {
				seen[held] = true
				queue = append(queue, held)
			}
		}
	}
	var below int
	if ix := e.index.Load(); ix != nil {
		// A role's longest chain below ends with a member that holds no
		// one: one more than the longest through the roles among its
		// members, which the index keeps; the users below, nearly all
		// names, are not visited.
		if ix.memberCount(a.Member) > 0 {
			below = 1 + longestChain(a.Member, ix.roleMembers, map[string]int{}, map[string]bool{})
		}
	} else {
		below = longestChain(a.Member, e.directMembers, map[string]int{}, map[string]bool{})
	}
	above := longestChain(a.Role, e.directRoles, map[string]int{}, map[string]bool{})
	if depth := below + 1 + above; depth > MaxRoleDepth {
		return fmt.Errorf("%w: %s would make a chain of %d roles; at most %d are inherited",
			ErrTooDeep, a, depth, MaxRoleDepth)
	}
	return nil
}

// longestChain returns the most assignments that can be followed from name
// through next, remembering results in memo. onPath cuts cycles a stored
// policy may hold.
func longestChain(name string, next func(string) []string, memo map[string]int, onPath map[string]bool) int {
	if n, ok := memo[name]; ok {
		return n
	}
	onPath[name] = true
	longest := 0
	for _, n := range next(name) {
		if !onPath[n] {
			longest = max(longest, 1+longestChain(n, next, memo, onPath))
		}
	}
	onPath[name] = false
	memo[name] = longest
	return longest
}
