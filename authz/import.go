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
	want := Policy{Grants: make([]Grant, 0, len(p.Grants)), Roles: make([]RoleAssignment, 0, len(p.Roles))}
	for _, g := range p.Grants {
		g = g.withDefaults()
		if err := e.validGrant(g); err != nil {
			return err
		}
		if !slices.Contains(want.Grants, g) {
			want.Grants = append(want.Grants, g)
		}
	}
	for _, a := range p.Roles {
		if err := e.validRole(a); err != nil {
			return err
		}
		if !slices.Contains(want.Roles, a) {
			want.Roles = append(want.Roles, a)
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
			wantGrants[g] = true
			if !e.hasGrant(g) {
				c.AddGrants = append(c.AddGrants, g)
			}
		}
		wantRoles := make(map[RoleAssignment]bool, len(want.Roles))
		for _, a := range want.Roles {
			wantRoles[a] = true
			if !e.hasRole(a) {
				c.AddRoles = append(c.AddRoles, a)
			}
		}
		result := slices.Clone(want.Roles)
		for _, a := range current.Roles {
			switch {
			case wantRoles[a]:
			case replace:
				c.RemoveRoles = append(c.RemoveRoles, a)
			default:
				result = append(result, a)
			}
		}
		if replace {
			for _, g := range current.Grants {
				if !wantGrants[g] {
					c.RemoveGrants = append(c.RemoveGrants, g)
				}
			}
		}
		if err := checkRoleGraph(result); err != nil {
			return Change{}, err
		}
		return c, nil
	})
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
