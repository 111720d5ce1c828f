package policylint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// checkRelations reports each relation whose role grants nothing at all,
// and each whose role grants nothing on the resource's type, nor on a type
// the policy puts inside resources of that type: either way the relation
// allows and denies nothing. granting holds the names that grant
// something, as checkUndefinedRoles found them.
func (l *linter) checkRelations(granting map[string]bool) {
	inside := l.typesInside()
	// Policies hold many relations to few roles, on few types.
	grantedBy := map[string][]string{}
	reachedFrom := map[string][]string{}
	for _, r := range l.relations {
		if !granting[r.Role] {
			msg := fmt.Sprintf("%s: role %q grants nothing: no p line names it or a role it holds, so the relation allows nothing",
				r.at.Text, r.Role)
			if near := nearestName(r.Role, granting); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
			l.report(r.at, CheckUndefinedRelationRole, "%s", msg)
			continue
		}
		granted, ok := grantedBy[r.Role]
		if !ok {
			granted = l.grantedTypes(r.Role)
			grantedBy[r.Role] = granted
		}
		if len(granted) == 0 {
			continue // it grants through relations of its own
		}
		typ := resourceType(r.Resource)
		reached, ok := reachedFrom[typ]
		if !ok {
			reached = reachTypes(typ, inside)
			reachedFrom[typ] = reached
		}
		if slices.ContainsFunc(reached, func(t string) bool { return slices.Contains(granted, t) }) {
			continue
		}
		where := typ
		if len(reached) > 1 {
			where = fmt.Sprintf("%s, nor on %s, which the policy puts inside %s", typ, strings.Join(reached[1:], ", "), typ)
		}
		l.report(r.at, CheckRelationTypeMismatch, "%s: role %q grants nothing on %s; only on %s, so the relation allows nothing",
			r.at.Text, r.Role, where, strings.Join(granted, ", "))
	}
}

// grantedTypes returns, sorted, the resource types the grants of role, and
// of the roles it holds within authz.MaxRoleDepth, name.
func (l *linter) grantedTypes(role string) []string {
	var types []string
	for name := range l.reach(role, authz.MaxRoleDepth, nil) {
		for _, g := range l.grantsOf[name] {
			if t := g.Permission.Resource(); !slices.Contains(types, t) {
				types = append(types, t)
			}
		}
	}
	slices.Sort(types)
	return types
}

// typesInside maps each resource type to the types the policy's "g3"
// lines put inside resources of it.
func (l *linter) typesInside() map[string][]string {
	inside := map[string][]string{}
	for _, p := range l.parents {
		outer, inner := resourceType(p.Parent), resourceType(p.Resource)
		if !slices.Contains(inside[outer], inner) {
			inside[outer] = append(inside[outer], inner)
		}
	}
	return inside
}

// reachTypes returns typ, then, sorted, every type inside it however
// deep: the types of the resources a relation on a resource of typ can
// reach.
func reachTypes(typ string, inside map[string][]string) []string {
	seen := map[string]bool{typ: true}
	queue := []string{typ}
	var below []string
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		for _, in := range inside[t] {
			if !seen[in] {
				seen[in] = true
				below = append(below, in)
				queue = append(queue, in)
			}
		}
	}
	slices.Sort(below)
	return append([]string{typ}, below...)
}

// resourceType returns the type of a resource's name: "posts" of
// "posts:42".
func resourceType(name string) string {
	typ, _, _ := strings.Cut(name, ":")
	return typ
}
