package authztest

import (
	"context"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Coverage says which rule lines of a policy file some case exercised.
type Coverage struct {
	// Lines is every rule line of the policy, in order; lines that do not
	// parse (with Err) are left out.
	Lines []authz.PolicyLine
	// Covered is parallel to Lines: whether some case exercised the line.
	Covered []bool
	// Uncovered lists the lines no case exercised, in order.
	Uncovered []authz.PolicyLine
	// Percent is the share of Lines covered, from 0 to 100; 100 when there
	// are no lines.
	Percent float64
}

// Cover says which policy lines the reports exercised: a "p" line when its
// grant decided some case (Decision.Rule), a "g" line when it is on the
// shortest chain of role assignments from a case's subject to the subject
// of the rule that decided it (fixture roles from Table.Roles are test
// setup, not policy lines: a chain may start with them). Under a model
// with tenants a chain follows only the assignments that apply in the
// case's tenant — its own, those of the tenants above it and those for
// every tenant — so a line of tenant "acme" is covered by a case in acme
// or in a tenant below it, such as "acme/eu". When several
// chains are equally short, the lines of each are covered. Duplicate lines
// of one rule are all covered when the rule is. e is the engine the
// reports were evaluated on.
//
// Every case that was decided counts, whether or not it passed. A grant
// that is never the deciding rule stays uncovered even if it matched: when
// an earlier grant always decides first, the later one is not what any
// case tests, and a case that needs it is missing.
//
// Chains are followed through e's role assignments as they are when Cover
// runs, so evaluate reports on one engine only when their fixtures agree.
// When e cannot list its policy, no "g" line is covered.
func Cover(e *authz.Engine, lines []authz.PolicyLine, reports ...Report) Coverage {
	decided := map[authz.Grant]bool{}
	chained := map[authz.RoleAssignment]bool{}
	graph := roleGraphOf(e)
	walked := map[[3]string]bool{}
	for _, report := range reports {
		for _, r := range report.Results {
			d := r.Decision
			if r.Err != nil || !d.Matched() {
				continue
			}
			decided[d.Rule] = true
			from, to, tenant := d.Request.Subject, d.Rule.Subject, d.Request.Tenant
			if walked[[3]string{from, to, tenant}] {
				continue
			}
			walked[[3]string{from, to, tenant}] = true
			for _, a := range graph.shortestChains(from, to, tenant) {
				chained[a] = true
			}
		}
	}

	var c Coverage
	for _, l := range lines {
		if l.Err != nil || (l.Grant == nil && l.Role == nil) {
			continue
		}
		covered := (l.Grant != nil && decided[*l.Grant]) || (l.Role != nil && chained[*l.Role])
		c.Lines = append(c.Lines, l)
		c.Covered = append(c.Covered, covered)
		if !covered {
			c.Uncovered = append(c.Uncovered, l)
		}
	}
	c.Percent = 100
	if len(c.Lines) > 0 {
		c.Percent = float64(len(c.Lines)-len(c.Uncovered)) / float64(len(c.Lines)) * 100
	}
	return c
}

// roleGraph maps each member to its direct role assignments.
type roleGraph map[string][]authz.RoleAssignment

// roleGraphOf reads e's role assignments, fixtures included.
func roleGraphOf(e *authz.Engine) roleGraph {
	g := roleGraph{}
	p, err := e.Policy(context.Background())
	if err != nil {
		return g
	}
	for _, a := range p.Roles {
		g[a.Member] = append(g[a.Member], a)
	}
	return g
}

// held returns the roles name holds directly in tenant, by the
// assignments that apply there.
func (g roleGraph) held(name, tenant string) []authz.RoleAssignment {
	var out []authz.RoleAssignment
	for _, a := range g[name] {
		if applies(a.Tenant, tenant) {
			out = append(out, a)
		}
	}
	return out
}

// applies reports whether a rule of ruleTenant applies to a request in
// tenant: every rule under a model without tenants (whose rules name
// none), and under one with them a rule for every tenant, or for tenant
// or a tenant above it; only rules for every tenant at the platform's
// level.
func applies(ruleTenant, tenant string) bool {
	return ruleTenant == "" || authz.TenantCovers(ruleTenant, tenant)
}

// shortestChains returns the assignments on every shortest chain from
// member to role in tenant, at most authz.MaxRoleDepth long, as decisions
// follow them; none when member is role or does not reach it.
func (g roleGraph) shortestChains(member, role, tenant string) []authz.RoleAssignment {
	// Breadth first from member, one level per step, until role is reached.
	depth := map[string]int{member: 0}
	levels := [][]string{{member}}
	for d := 0; d < authz.MaxRoleDepth && depth[role] == 0 && role != member; d++ {
		var next []string
		for _, name := range levels[d] {
			for _, a := range g.held(name, tenant) {
				if _, seen := depth[a.Role]; !seen {
					depth[a.Role] = d + 1
					next = append(next, a.Role)
				}
			}
		}
		if len(next) == 0 {
			break
		}
		levels = append(levels, next)
	}
	if depth[role] == 0 {
		return nil
	}
	// Back from role: an assignment is on a shortest chain when it leads
	// one level down to a name on one.
	onChain := map[string]bool{role: true}
	var chain []authz.RoleAssignment
	for d := depth[role] - 1; d >= 0; d-- {
		for _, name := range levels[d] {
			for _, a := range g.held(name, tenant) {
				if onChain[a.Role] && depth[a.Role] == d+1 {
					onChain[name] = true
					chain = append(chain, a)
				}
			}
		}
	}
	return chain
}
