package policylint

import (
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// checkParents reports what keeps the policy's "g3" lines from loading: a
// resource given a second parent, resources inside one another, and
// chains of parents longer than authz.MaxParentDepth.
func (l *linter) checkParents() {
	parentOf := map[string]parentRule{}
	isParent := map[string]bool{}
	var links []parentRule // one per resource, in policy order
	for _, p := range l.parents {
		if first, ok := parentOf[p.Resource]; ok {
			l.report(p.at, CheckParentConflict, "%s: %q is inside %q already (%s); a resource has one parent, "+
				"so the policy does not load", p.at.Text, p.Resource, first.Parent, ref(p.at, first.at))
			continue
		}
		parentOf[p.Resource] = p
		isParent[p.Parent] = true
		links = append(links, p)
	}
	inLoop := l.checkParentCycles(links, parentOf)
	l.checkParentsTooDeep(links, parentOf, isParent, inLoop)
}

// checkParentCycles reports each loop of parents once, at its first line,
// and returns the resources in loops.
func (l *linter) checkParentCycles(links []parentRule, parentOf map[string]parentRule) map[string]bool {
	const (
		onPath = 1
		done   = 2
	)
	state := map[string]int{}
	inLoop := map[string]bool{}
	for _, start := range links {
		var path []string
		at, looped := start.Resource, false
		for state[at] == 0 {
			state[at] = onPath
			path = append(path, at)
			link, ok := parentOf[at]
			if !ok {
				break
			}
			at = link.Parent
			looped = state[at] == onPath
		}
		if looped {
			// The walk came back to at: the loop is path from at on.
			loop := path[slices.Index(path, at):]
			lines := make([]*authz.PolicyLine, len(loop))
			for i, name := range loop {
				inLoop[name] = true
				lines[i] = parentOf[name].at
			}
			first := slices.MinFunc(lines, func(a, b *authz.PolicyLine) int { return compareLines(a, b) })
			names := []string{first.Parent.Resource}
			for name := parentOf[first.Parent.Resource].Parent; ; name = parentOf[name].Parent {
				names = append(names, name)
				if name == first.Parent.Resource {
					break
				}
			}
			slices.SortFunc(lines, compareLines)
			l.report(first, CheckParentCycle, "%s is part of a loop of parents: %s (%s); a resource cannot be inside itself, "+
				"so the policy does not load: remove the line that is not meant", first.Text, strings.Join(names, " -> "), refs(first, lines))
		}
		for _, name := range path {
			state[name] = done
		}
	}
	return inLoop
}

// checkParentsTooDeep reports each "g3" line that some resource reaches
// only past authz.MaxParentDepth parents: the engine refuses such a
// chain. Chains that run into a loop are left to the cycle check.
func (l *linter) checkParentsTooDeep(links []parentRule, parentOf map[string]parentRule, isParent, inLoop map[string]bool) {
	reported := map[*authz.PolicyLine]bool{}
	for _, start := range links {
		if isParent[start.Resource] {
			continue // a chain from below passes through it
		}
		var chain []*authz.PolicyLine
		at := start.Resource
		for len(chain) <= authz.MaxParentDepth && !inLoop[at] {
			link, ok := parentOf[at]
			if !ok {
				break
			}
			chain = append(chain, link.at)
			at = link.Parent
		}
		if len(chain) <= authz.MaxParentDepth || inLoop[at] {
			continue
		}
		past := chain[len(chain)-1]
		if reported[past] {
			continue
		}
		reported[past] = true
		l.report(past, CheckParentTooDeep, "%s is parent %d above %q (%s); decisions follow at most %d, "+
			"so the policy does not load", past.Text, len(chain), start.Resource, refs(past, chain), authz.MaxParentDepth)
	}
}

// compareLines orders lines as the policy has them.
func compareLines(a, b *authz.PolicyLine) int {
	if c := strings.Compare(a.Source, b.Source); c != 0 {
		return c
	}
	return a.Line - b.Line
}
