package authztest

import (
	"context"
	"time"

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
// When the deciding rule applied through a relation (Decision.Relation),
// its "g2" line is covered, and the chains are two: from the case's
// subject to the relation's subject, and from the relation's role to the
// rule's subject. When the relation is on a parent of the case's resource,
// the "g3" lines that lead from the resource up to it are covered too.
// Chains leave out the assignments that had expired at the case's time
// (Case.At; the time Cover runs for a case without one).
//
// Every case that was decided counts, whether or not it passed. A grant
// that is never the deciding rule stays uncovered even if it matched: when
// an earlier grant always decides first, the later one is not what any
// case tests, and a case that needs it is missing.
//
// Chains and parents are followed through e's policy as it is when Cover
// runs, so evaluate reports on one engine only when their fixtures agree.
// When e cannot list its policy, no "g" or "g3" line is covered.
func Cover(e *authz.Engine, lines []authz.PolicyLine, reports ...Report) Coverage {
	decided := map[string]bool{} // grants, by their line
	chained := map[string]bool{} // role assignments, by their line
	related := map[string]bool{} // relations, by their line
	linked := map[authz.ResourceParent]bool{}
	policy, _ := e.Policy(context.Background())
	graph := roleGraphOf(policy)
	parents := parentsOf(policy)
	now := time.Now()
	walked := map[chainKey]bool{}
	cover := func(from, to, tenant string, at time.Time) {
		key := chainKey{from, to, tenant, at.Unix()}
		if walked[key] {
			return
		}
		walked[key] = true
		for _, a := range graph.shortestChains(from, to, tenant, at) {
			chained[a.String()] = true
		}
	}
	for _, report := range reports {
		for _, r := range report.Results {
			d := r.Decision
			if r.Err != nil || !d.Matched() {
				continue
			}
			decided[d.Rule.String()] = true
			at := r.Case.At
			if at.IsZero() {
				at = now
			}
			tenant := d.Request.Tenant
			if d.Relation.Subject == "" {
				cover(d.Request.Subject, d.Rule.Subject, tenant, at)
				continue
			}
			related[d.Relation.String()] = true
			cover(d.Request.Subject, d.Relation.Subject, tenant, at)
			cover(d.Relation.Role, d.Rule.Subject, tenant, at)
			for _, link := range parents.path(requestResource(d.Request), d.Relation.Resource) {
				linked[link] = true
			}
		}
	}

	var c Coverage
	for _, l := range lines {
		var covered bool
		switch {
		case l.Err != nil:
			continue
		case l.Grant != nil:
			covered = decided[l.Grant.String()]
		case l.Role != nil:
			covered = chained[l.Role.String()]
		case l.Relation != nil:
			covered = related[l.Relation.String()]
		case l.Parent != nil:
			covered = linked[*l.Parent]
		default:
			continue
		}
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

// chainKey is one chain Cover follows: from a name to a role, in a
// tenant, at an instant (Unix seconds).
type chainKey struct {
	from, to, tenant string
	at               int64
}

// requestResource names the resource req is about, "posts:42", as
// relations name it.
func requestResource(req authz.Request) string {
	typ := req.Resource.Type
	if typ == "" {
		typ = req.Permission.Resource()
	}
	return authz.ResourceName(typ, req.Resource.ID)
}

// parentMap maps each resource to its parent line.
type parentMap map[string]authz.ResourceParent

// parentsOf reads the parents of policy.
func parentsOf(policy authz.Policy) parentMap {
	m := parentMap{}
	for _, link := range policy.Parents {
		m[link.Resource] = link
	}
	return m
}

// path returns the parent lines that lead from resource up to ancestor,
// as decisions follow them, at most authz.MaxParentDepth; none when
// resource is ancestor or does not lead to it.
func (m parentMap) path(resource, ancestor string) []authz.ResourceParent {
	var out []authz.ResourceParent
	for at := resource; at != ancestor; {
		link, ok := m[at]
		if !ok || len(out) == authz.MaxParentDepth {
			return nil
		}
		out = append(out, link)
		at = link.Parent
	}
	return out
}

// roleGraph maps each member to its direct role assignments.
type roleGraph map[string][]authz.RoleAssignment

// roleGraphOf reads the role assignments of policy, an engine's with its
// fixtures.
func roleGraphOf(policy authz.Policy) roleGraph {
	g := roleGraph{}
	for _, a := range policy.Roles {
		g[a.Member] = append(g[a.Member], a)
	}
	return g
}

// held returns the roles name holds directly in tenant at the instant at,
// by the assignments that apply there and have not expired.
func (g roleGraph) held(name, tenant string, at time.Time) []authz.RoleAssignment {
	var out []authz.RoleAssignment
	for _, a := range g[name] {
		if applies(a.Tenant, tenant) && (a.Expires.IsZero() || at.Unix() < a.Expires.Unix()) {
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
// member to role in tenant at the instant at, at most authz.MaxRoleDepth
// long, as decisions follow them; none when member is role or does not
// reach it.
func (g roleGraph) shortestChains(member, role, tenant string, at time.Time) []authz.RoleAssignment {
	// Breadth first from member, one level per step, until role is reached.
	depth := map[string]int{member: 0}
	levels := [][]string{{member}}
	for d := 0; d < authz.MaxRoleDepth && depth[role] == 0 && role != member; d++ {
		var next []string
		for _, name := range levels[d] {
			for _, a := range g.held(name, tenant, at) {
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
			for _, a := range g.held(name, tenant, at) {
				if onChain[a.Role] && depth[a.Role] == d+1 {
					onChain[name] = true
					chain = append(chain, a)
				}
			}
		}
	}
	return chain
}
