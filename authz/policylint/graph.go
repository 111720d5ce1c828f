package policylint

import "slices"

// step is how a name was reached from another by following role
// assignments: in how many, and by which last one (nil for the start).
type step struct {
	dist int
	via  *assignment
}

// reach returns every name from holds within limit assignments, from
// itself, with the shortest way there: the roles decisions give it when
// limit is authz.MaxRoleDepth. A negative limit follows every chain. With
// in, only the assignments that hold wherever tenant *in does are
// followed: the roles from holds everywhere in that tenant; with nil,
// every assignment, in whatever tenant.
func (l *linter) reach(from string, limit int, in *string) map[string]step {
	reached := map[string]step{from: {}}
	queue := []string{from}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		dist := reached[name].dist + 1
		if limit >= 0 && dist > limit {
			continue
		}
		for i, a := range l.held[name] {
			if in != nil && !tenantCovers(a.Tenant, *in) {
				continue
			}
			if _, ok := reached[a.Role]; !ok {
				reached[a.Role] = step{dist: dist, via: &l.held[name][i]}
				queue = append(queue, a.Role)
			}
		}
	}
	return reached
}

// chain returns the assignments of the shortest way from the start of
// reached to name, first to last.
func chain(reached map[string]step, name string) []*assignment {
	var out []*assignment
	for s := reached[name]; s.via != nil; s = reached[s.via.Member] {
		out = append(out, s.via)
	}
	slices.Reverse(out)
	return out
}

// loop is a set of names that hold one another through role assignments
// (a strongly connected component of the role graph with an edge inside).
type loop struct {
	names []string      // in the order the policy first mentions them
	edges []*assignment // the assignments among names, in policy order
}

// loops returns every loop of the role graph, in the order of their first
// assignment, and, for each name in a loop, the loop's index.
func (l *linter) loops() ([]loop, map[string]int) {
	var names []string
	seen := map[string]bool{}
	for _, a := range l.assignments {
		for _, n := range []string{a.Member, a.Role} {
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}

	// Tarjan's algorithm.
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	component := map[string]int{}
	var components [][]string
	var visit func(n string)
	visit = func(n string) {
		index[n] = len(index)
		low[n] = index[n]
		stack = append(stack, n)
		onStack[n] = true
		for _, a := range l.held[n] {
			if _, ok := index[a.Role]; !ok {
				visit(a.Role)
				low[n] = min(low[n], low[a.Role])
			} else if onStack[a.Role] {
				low[n] = min(low[n], index[a.Role])
			}
		}
		if low[n] != index[n] {
			return
		}
		var members []string
		for {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			onStack[top] = false
			component[top] = len(components)
			members = append(members, top)
			if top == n {
				break
			}
		}
		components = append(components, members)
	}
	for _, n := range names {
		if _, ok := index[n]; !ok {
			visit(n)
		}
	}

	found := map[int]int{} // component -> index in out
	var out []loop
	inLoop := map[string]int{}
	for i := range l.assignments {
		a := &l.assignments[i]
		c := component[a.Member]
		if c != component[a.Role] {
			continue
		}
		k, ok := found[c]
		if !ok {
			k = len(out)
			found[c] = k
			var ordered []string
			for _, n := range names {
				if component[n] == c {
					ordered = append(ordered, n)
					inLoop[n] = k
				}
			}
			out = append(out, loop{names: ordered})
		}
		out[k].edges = append(out[k].edges, a)
	}
	return out, inLoop
}
