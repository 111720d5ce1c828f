package policylint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// checkUndefinedRoles reports each assignment of a role that grants
// nothing, itself or through the roles it holds, and returns the lines it
// reported and the names that do grant something.
func (l *linter) checkUndefinedRoles() (undefined map[*authz.PolicyLine]bool, granting map[string]bool) {
	// A name grants something if it has a grant, holds a name that does,
	// or holds a relation to a role that does — a group whose members
	// share a role on one resource: spread from the names with grants down
	// to their members, and to the subjects of relations to them.
	granting = map[string]bool{}
	holders := map[string][]string{}
	for _, a := range l.assignments {
		holders[a.Role] = append(holders[a.Role], a.Member)
	}
	for _, r := range l.relations {
		holders[r.Role] = append(holders[r.Role], r.Subject)
	}
	var queue []string
	for _, g := range l.grants {
		if !granting[g.Subject] {
			granting[g.Subject] = true
			queue = append(queue, g.Subject)
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, m := range holders[name] {
			if !granting[m] {
				granting[m] = true
				queue = append(queue, m)
			}
		}
	}

	undefined = map[*authz.PolicyLine]bool{}
	for _, a := range l.assignments {
		if granting[a.Role] {
			continue
		}
		undefined[a.at] = true
		msg := fmt.Sprintf("%s: role %q grants nothing: no p line names it or a role it holds", a.at.Text, a.Role)
		if near := nearestName(a.Role, granting); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		l.report(a.at, CheckUndefinedRole, "%s", msg)
	}
	return undefined, granting
}

// checkCycles reports each loop once, at its first assignment.
func (l *linter) checkCycles(loops []loop) {
	for _, lp := range loops {
		first := lp.edges[0]
		lines := make([]*authz.PolicyLine, len(lp.edges))
		for i, a := range lp.edges {
			lines[i] = a.at
		}
		const why = "roles in a loop hold every grant of one another, so they act as one role; remove the assignment that is not meant"
		if len(lp.edges) == len(lp.names) {
			l.report(first.at, CheckCycle, "%s is part of a loop: %s (%s); %s",
				first.at.Text, walkLoop(lp), refs(first.at, lines), why)
			continue
		}
		l.report(first.at, CheckCycle, "%s is one of several loops among roles %s (%s); %s",
			first.at.Text, strings.Join(lp.names, ", "), refs(first.at, lines), why)
	}
}

// walkLoop writes a loop in which each role holds exactly one other, from
// its first assignment on: "a -> b -> c -> a".
func walkLoop(lp loop) string {
	next := map[string]string{}
	for _, a := range lp.edges {
		next[a.Member] = a.Role
	}
	start := lp.edges[0].Member
	names := []string{start}
	for name := next[start]; ; name = next[name] {
		names = append(names, name)
		if name == start {
			return strings.Join(names, " -> ")
		}
	}
}

// checkTooDeep reports each assignment that a chain from some member
// reaches only past authz.MaxRoleDepth, so that member does not inherit
// the role. Assignments inside a loop are left to the cycle check.
func (l *linter) checkTooDeep(inLoop map[string]int) {
	sameLoop := func(a assignment) bool {
		m, ok := inLoop[a.Member]
		r, ok2 := inLoop[a.Role]
		return ok && ok2 && m == r
	}
	reported := map[*authz.PolicyLine]bool{}
	seen := map[string]bool{}
	for _, start := range l.assignments {
		member := start.Member
		if seen[member] {
			continue
		}
		seen[member] = true
		reached := l.reach(member, authz.MaxRoleDepth+1, nil)
		var past []assignment // the assignments one beyond the limit
		for name, s := range reached {
			if s.dist != authz.MaxRoleDepth {
				continue
			}
			for _, a := range l.held[name] {
				if reached[a.Role].dist > authz.MaxRoleDepth && !reported[a.at] && !sameLoop(a) {
					past = append(past, a)
				}
			}
		}
		slices.SortFunc(past, func(a, b assignment) int { return a.seq - b.seq })
		for _, a := range past {
			reported[a.at] = true
			var lines []*authz.PolicyLine
			for _, c := range chain(reached, a.Member) {
				lines = append(lines, c.at)
			}
			lines = append(lines, a.at)
			l.report(a.at, CheckTooDeep, "%s is assignment %d in the chain from %q (%s); decisions follow at most %d, so %q does not inherit %q",
				a.at.Text, len(lines), member, refs(a.at, lines), authz.MaxRoleDepth, member, a.Role)
		}
	}
}

// nearestName returns the name in names that name is most likely a
// misspelling of: equal but for letter case, or one letter in three away
// (two at most). It returns "" if none is close.
func nearestName(name string, names map[string]bool) string {
	limit := min(2, len(name)/3)
	best, bestDist := "", limit+1
	for candidate := range names {
		d := editDistance(strings.ToLower(name), strings.ToLower(candidate))
		if d < bestDist || (d == bestDist && candidate < best) {
			best, bestDist = candidate, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
