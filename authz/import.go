package authz

import (
	"context"
	"fmt"
	"slices"
)

// Import adds every rule of p the policy does not hold yet, in one atomic
// edit: all of it or, on any error, none. Rules the policy holds already
// are not an error. Every rule is validated first, and the role
// assignments of the resulting policy are checked as AssignRole checks
// one: ErrCycle if they make a role hold itself, ErrTooDeep if they make a
// chain longer than MaxRoleDepth.
func (e *Engine) Import(ctx context.Context, p Policy) error {
	return e.importPolicy(ctx, p, false)
}

// Replace makes p the whole policy, in one atomic edit: it adds what p has
// and the policy does not, and removes what the policy has and p does not.
// It checks p as Import does; on any error nothing changes.
func (e *Engine) Replace(ctx context.Context, p Policy) error {
	return e.importPolicy(ctx, p, true)
}

func (e *Engine) importPolicy(ctx context.Context, p Policy, replace bool) error {
	ctx = defaultSource(ctx, SourceImport)
	want := Policy{Grants: make([]Grant, 0, len(p.Grants)), Roles: make([]RoleAssignment, 0, len(p.Roles))}
	// A line given twice, with the same expiry or not: the first stands.
	seenGrants := make(map[Grant]bool, len(p.Grants))
	for _, g := range p.Grants {
		g = g.withDefaults()
		if err := e.validGrant(g); err != nil {
			return err
		}
		if !g.Expires.IsZero() && !e.indexed {
			return e.checkExpiry(g.Expires, g)
		}
		if !seenGrants[g.key()] {
			seenGrants[g.key()] = true
			want.Grants = append(want.Grants, g)
		}
	}
	seenRoles := make(map[RoleAssignment]bool, len(p.Roles))
	for _, a := range p.Roles {
		a.Expires = normalExpiry(a.Expires)
		if err := e.validRole(a); err != nil {
			return err
		}
		if !a.Expires.IsZero() && !e.indexed {
			return e.checkExpiry(a.Expires, a)
		}
		if !seenRoles[a.key()] {
			seenRoles[a.key()] = true
			want.Roles = append(want.Roles, a)
		}
	}
	seenRelations := make(map[Relation]bool, len(p.Relations))
	for _, r := range p.Relations {
		r.Expires = normalExpiry(r.Expires)
		if err := e.validRelation(r); err != nil {
			return err
		}
		if !seenRelations[r.key()] {
			seenRelations[r.key()] = true
			want.Relations = append(want.Relations, r)
		}
	}
	seenParents := make(map[ResourceParent]bool, len(p.Parents))
	for _, link := range p.Parents {
		if err := e.validParent(link); err != nil {
			return err
		}
		if !seenParents[link] {
			seenParents[link] = true
			want.Parents = append(want.Parents, link)
		}
	}
	return e.edit(ctx, func() (Change, error) {
		current, err := e.currentPolicy()
		if err != nil {
			return Change{}, err
		}
		var c Change
		wantGrants := make(map[Grant]bool, len(want.Grants))
		for _, g := range want.Grants {
			wantGrants[g.key()] = true
			old, ok := e.grantLine(g)
			if ok && old != g {
				c.RemoveGrants = append(c.RemoveGrants, old)
			}
			if !ok || old != g {
				c.AddGrants = append(c.AddGrants, g)
			}
		}
		wantRoles := make(map[RoleAssignment]bool, len(want.Roles))
		for _, a := range want.Roles {
			wantRoles[a.key()] = true
			old, ok := e.roleLine(a)
			if ok && old != a {
				c.RemoveRoles = append(c.RemoveRoles, old)
			}
			if !ok || old != a {
				c.AddRoles = append(c.AddRoles, a)
			}
		}
		result := slices.Clone(want.Roles)
		for _, a := range current.Roles {
			switch {
			case wantRoles[a.key()]:
			case replace:
				c.RemoveRoles = append(c.RemoveRoles, a)
			default:
				result = append(result, a)
			}
		}
		if replace {
			for _, g := range current.Grants {
				if !wantGrants[g.key()] {
					c.RemoveGrants = append(c.RemoveGrants, g)
				}
			}
		}
		if err := checkRoleGraph(result); err != nil {
			return Change{}, err
		}
		if err := e.planRelations(&c, current, want, replace); err != nil {
			return Change{}, err
		}
		return c, nil
	})
}

// planRelations adds to c the edits of relations and parents that bring
// current to want (with replace) or to both (without), and checks the
// result as a loaded policy is checked. A relation current has with
// another expiry is given want's.
func (e *Engine) planRelations(c *Change, current, want Policy, replace bool) error {
	if len(want.Relations) == 0 && len(want.Parents) == 0 && (!replace || len(current.Relations)+len(current.Parents) == 0) {
		return nil
	}
	held := make(map[Relation]Relation, len(current.Relations))
	for _, r := range current.Relations {
		held[r.key()] = r
	}
	wanted := make(map[Relation]bool, len(want.Relations))
	var result Policy
	for _, r := range want.Relations {
		wanted[r.key()] = true
		result.Relations = append(result.Relations, r)
		old, ok := held[r.key()]
		switch {
		case !ok:
			c.AddRelations = append(c.AddRelations, r)
		case old != r:
			c.RemoveRelations = append(c.RemoveRelations, old)
			c.AddRelations = append(c.AddRelations, r)
		}
	}
	for _, r := range current.Relations {
		switch {
		case wanted[r.key()]:
		case replace:
			c.RemoveRelations = append(c.RemoveRelations, r)
		default:
			result.Relations = append(result.Relations, r)
		}
	}
	parentOf := make(map[string]string, len(current.Parents))
	for _, link := range current.Parents {
		parentOf[link.Resource] = link.Parent
	}
	wantedParent := make(map[string]bool, len(want.Parents))
	for _, link := range want.Parents {
		wantedParent[link.Resource] = true
		result.Parents = append(result.Parents, link)
		old, ok := parentOf[link.Resource]
		if ok && old != link.Parent {
			c.RemoveParents = append(c.RemoveParents, ResourceParent{Resource: link.Resource, Parent: old})
		}
		if !ok || old != link.Parent {
			c.AddParents = append(c.AddParents, link)
		}
	}
	for _, link := range current.Parents {
		switch {
		case wantedParent[link.Resource]:
		case replace:
			c.RemoveParents = append(c.RemoveParents, link)
		default:
			result.Parents = append(result.Parents, link)
		}
	}
	return e.checkPolicyLines("import", result)
}

// checkRoleGraph refuses assignments that make a role hold itself or a
// chain longer than MaxRoleDepth, naming an assignment that does.
func checkRoleGraph(assignments []RoleAssignment) error {
	parents := map[string][]string{}
	for _, a := range assignments {
		parents[a.Member] = append(parents[a.Member], a.Role)
	}
	// depth[name] is the longest chain of assignments up from name.
	depth := map[string]int{}
	const visiting = -1
	var walk func(name string) (int, error)
	walk = func(name string) (int, error) {
		switch d, seen := depth[name]; {
		case seen && d == visiting:
			return 0, fmt.Errorf("%w: %q holds itself through its roles", ErrCycle, name)
		case seen:
			return d, nil
		}
		depth[name] = visiting
		longest := 0
		for _, role := range parents[name] {
			d, err := walk(role)
			if err != nil {
				return 0, err
			}
			if d+1 > MaxRoleDepth {
				return 0, fmt.Errorf("%w: %s would make a chain of %d roles; at most %d are inherited",
					ErrTooDeep, RoleAssignment{Member: name, Role: role}, d+1, MaxRoleDepth)
			}
			longest = max(longest, d+1)
		}
		depth[name] = longest
		return longest, nil
	}
	for _, a := range assignments {
		if _, err := walk(a.Member); err != nil {
			return err
		}
	}
	return nil
}
