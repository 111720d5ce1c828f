package policylint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Under a model with tenants every rule names the tenant it holds in: a
// tenant, which covers the tenants below it ("acme" covers "acme/eu"), or
// authz.AllTenants. Under a model without tenants every rule's tenant is
// "", and every helper here treats "" as one tenant holding everything, so
// the checks read both kinds of policy alike.

// tenantCovers reports whether a rule for tenant outer holds wherever a
// rule for tenant inner does.
func tenantCovers(outer, inner string) bool { return authz.TenantCovers(outer, inner) }

// overlap returns the narrower of two tenants when rules for them hold
// somewhere together — one covers the other — and ok false when they
// never do ("acme" and "globex").
func overlap(a, b string) (narrower string, ok bool) {
	switch {
	case tenantCovers(a, b):
		return b, true
	case tenantCovers(b, a):
		return a, true
	}
	return "", false
}

// grantsIn reports whether role has a grant that applies somewhere in
// tenant: one of its own, or of a role it holds there, whose tenant
// overlaps tenant. A grant in a tenant below counts, since a role held in
// "acme" is held in "acme/eu" too.
func (l *linter) grantsIn(role, tenant string) bool {
	type state struct{ name, tenant string }
	seen := map[state]bool{{role, tenant}: true}
	queue := []state{{role, tenant}}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, g := range l.grantsOf[s.name] {
			if _, ok := overlap(s.tenant, g.Tenant); ok {
				return true
			}
		}
		for _, a := range l.held[s.name] {
			if t, ok := overlap(s.tenant, a.Tenant); ok && !seen[state{a.Role, t}] {
				seen[state{a.Role, t}] = true
				queue = append(queue, state{a.Role, t})
			}
		}
	}
	return false
}

// grantTenants returns, sorted, the tenants of the grants role has itself
// or through any role it holds, in whatever tenant.
func (l *linter) grantTenants(role string) []string {
	var tenants []string
	for name := range l.reach(role, -1, nil) {
		for _, g := range l.grantsOf[name] {
			if !slices.Contains(tenants, g.Tenant) {
				tenants = append(tenants, g.Tenant)
			}
		}
	}
	slices.Sort(tenants)
	return tenants
}

// checkRolesInTenants reports each assignment of a role, in a tenant, that
// grants nothing there: the role has grants, but neither they nor those of
// the roles it holds there apply in that tenant, above it, below it or in
// every tenant. undefined holds the assignments already reported because
// the role grants nothing anywhere; assignments inside a loop (inLoop, as
// loops returns it) are left to the cycle check.
func (l *linter) checkRolesInTenants(undefined map[*authz.PolicyLine]bool, inLoop map[string]int) {
	for _, a := range l.assignments {
		if a.Tenant == "" || undefined[a.at] || l.grantsIn(a.Role, a.Tenant) {
			continue
		}
		if m, ok := inLoop[a.Member]; ok {
			if r, ok := inLoop[a.Role]; ok && m == r {
				continue
			}
		}
		var quoted []string
		for _, t := range l.grantTenants(a.Role) {
			quoted = append(quoted, fmt.Sprintf("%q", t))
		}
		l.report(a.at, CheckRoleEmptyInTenant,
			"%s: role %q grants nothing in tenant %q: its grants, and those of the roles it holds there, are in %s only",
			a.at.Text, a.Role, a.Tenant, strings.Join(quoted, ", "))
	}
}

// checkMemberlessTenants reports each grant to a role in a tenant nobody
// belongs to: no subject holds a role in that tenant, a tenant above or
// below it, or every tenant, so the grant applies to nobody. A name some
// "g" line assigns is a role; any other name in a "g" line is a subject.
// A grant to a subject directly is not reported: the subject belongs to
// the tenant by it.
func (l *linter) checkMemberlessTenants() {
	isRole := map[string]bool{}
	for _, a := range l.assignments {
		isRole[a.Role] = true
	}
	var memberTenants []string // tenants where some subject holds a role
	for _, a := range l.assignments {
		if !isRole[a.Member] && !slices.Contains(memberTenants, a.Tenant) {
			memberTenants = append(memberTenants, a.Tenant)
		}
	}
	for _, g := range l.grants {
		if g.Tenant == "" || g.Tenant == authz.AllTenants || !isRole[g.Subject] {
			continue
		}
		found := slices.ContainsFunc(memberTenants, func(t string) bool {
			_, ok := overlap(t, g.Tenant)
			return ok
		})
		if !found {
			l.report(g.at, CheckMemberlessTenant,
				"%s: nobody belongs to tenant %q: no subject holds a role in it, in a tenant above or below it, or in every tenant (%q), so the grant applies to nobody",
				g.at.Text, g.Tenant, authz.AllTenants)
		}
	}
}
