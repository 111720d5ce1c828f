package rolegraph

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Bounds of what one node or edge shows.
const (
	// maxGrantLines is the number of lines of grants a box shows, the last
	// saying how many more there are when they do not all fit.
	maxGrantLines = 8
	// maxEdgeLabels is the number of qualifiers ("in acme", "on posts:42")
	// an edge's label lists before saying how many more there are.
	maxEdgeLabels = 2
	// edgesPerNode bounds the edges drawn: edgesPerNode times MaxNodes.
	edgesPerNode = 4
)

// graph is what the picture draws of a policy: the nodes kept, in the
// order of their names, and the edges between them.
type graph struct {
	nodes []node
	// links are the edges drawn, ordered by member, then role.
	links []link
	// maxNodes and maxLinks bound the nodes and edges drawn; leftRoles,
	// leftSubjects and leftLinks count what they left out.
	maxNodes, maxLinks                 int
	leftRoles, leftSubjects, leftLinks int
}

// node is one role or subject.
type node struct {
	name    string
	subject bool
	// layer is the node's row from the top: 0 for a node that holds no
	// role, one more than the lowest role it holds otherwise.
	layer int
	// grants are the lines of its box under its name.
	grants []grantLine
}

// grantLine is one line of a box: a grant, or how many more there are.
type grantLine struct {
	text string
	kind lineKind
}

// lineKind says how a line of a box is coloured.
type lineKind int

const (
	allowLine lineKind = iota
	denyLine
	// noteLine is a line that is neither an allow nor a deny: how many
	// more grants there are, or a grant with an effect of its own.
	noteLine
)

// link is an edge: member holds role, through role assignments ("g"
// lines), relations ("g2" lines) or both.
type link struct {
	member, role int
	// inherits is set when a role assignment makes the edge; without it,
	// relations alone do.
	inherits bool
	// labels are the first qualifiers of the lines that make the edge,
	// more the number of the others.
	labels []string
	more   int
	// cycle is set on an edge that closes a cycle: it is drawn but not
	// followed.
	cycle bool
}

// label is the edge's label, "" when its lines have no qualifier.
func (l link) label() string {
	s := strings.Join(l.labels, ", ")
	if l.more > 0 {
		s += fmt.Sprintf(" +%d more", l.more)
	}
	if s == "" {
		return ""
	}
	return clean(s, maxLabelRunes)
}

// qualify adds a qualifier to the edge's label; "" adds none.
func (l *link) qualify(q string) {
	if q != "" {
		q = clean(q, maxLabelRunes)
	}
	switch {
	case q == "" || slices.Contains(l.labels, q):
	case len(l.labels) < maxEdgeLabels:
		l.labels = append(l.labels, q)
	default:
		l.more++
	}
}

// newGraph keeps of p what the picture draws, within the bounds of opts.
func newGraph(p authz.Policy, opts Options) graph {
	maxNodes := opts.MaxNodes
	if maxNodes <= 0 {
		maxNodes = DefaultMaxNodes
	}
	nodes, links := candidates(p, opts)
	breakCycles(len(nodes), links)
	assignLayers(nodes, links)

	// Keep the nodes nearest the top: roles before subjects, roles that
	// neither hold nor give a role last, then by layer and name.
	linked := make([]bool, len(nodes))
	for _, l := range links {
		linked[l.member], linked[l.role] = true, true
	}
	order := make([]int, len(nodes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(compareBool(nodes[a].subject, nodes[b].subject), compareBool(!linked[a], !linked[b]),
			cmp.Compare(nodes[a].layer, nodes[b].layer), cmp.Compare(a, b))
	})
	maxLinks := math.MaxInt
	if maxNodes <= math.MaxInt/edgesPerNode {
		maxLinks = edgesPerNode * maxNodes
	}
	g := graph{maxNodes: maxNodes, maxLinks: maxLinks}
	kept := make([]int, len(nodes)) // new index + 1, 0 when left out
	for rank, i := range order {
		if rank >= maxNodes {
			if nodes[i].subject {
				g.leftSubjects++
			} else {
				g.leftRoles++
			}
			continue
		}
		kept[i] = 1
	}
	for i := range nodes { // by name again
		if kept[i] != 0 {
			kept[i] = len(g.nodes) + 1
			g.nodes = append(g.nodes, node{name: nodes[i].name, subject: nodes[i].subject})
		}
	}
	for _, l := range links {
		if kept[l.member] == 0 || kept[l.role] == 0 {
			continue
		}
		if len(g.links) == g.maxLinks {
			g.leftLinks++
			continue
		}
		l.member, l.role = kept[l.member]-1, kept[l.role]-1
		g.links = append(g.links, l)
	}
	assignLayers(g.nodes, g.links)
	g.addGrants(p.Grants)
	return g
}

// candidates returns the nodes the picture may draw, ordered by name, and
// the edges between them, ordered by member, then role; an edge from a
// node to itself is left out.
func candidates(p authz.Policy, opts Options) ([]node, []link) {
	type facts struct{ holdsRole, isRole bool }
	names := map[string]*facts{}
	fact := func(name string) *facts {
		f := names[name]
		if f == nil {
			f = &facts{}
			names[name] = f
		}
		return f
	}
	for _, a := range p.Roles {
		fact(a.Member).holdsRole = true
		fact(a.Role).isRole = true
	}
	for _, r := range p.Relations {
		fact(r.Subject).holdsRole = true
		fact(r.Role).isRole = true
	}
	for _, g := range p.Grants {
		fact(g.Subject).isRole = true
	}
	var nodes []node
	for name, f := range names {
		subject := f.holdsRole && !f.isRole
		if opts.IsSubject != nil {
			subject = opts.IsSubject(name)
		}
		if subject && !opts.Subjects {
			continue
		}
		nodes = append(nodes, node{name: name, subject: subject})
	}
	slices.SortFunc(nodes, func(a, b node) int { return strings.Compare(a.name, b.name) })
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		index[n.name] = i
	}

	var links []link
	byPair := map[[2]int]int{}
	edge := func(member, role string) *link {
		m, okMember := index[member]
		r, okRole := index[role]
		if !okMember || !okRole || m == r {
			return nil
		}
		i, ok := byPair[[2]int{m, r}]
		if !ok {
			i = len(links)
			byPair[[2]int{m, r}] = i
			links = append(links, link{member: m, role: r})
		}
		return &links[i]
	}
	for _, a := range p.Roles {
		if l := edge(a.Member, a.Role); l != nil {
			l.inherits = true
			l.qualify(qualifiers("", a.Tenant, a.Expires))
		}
	}
	for _, r := range p.Relations {
		if l := edge(r.Subject, r.Role); l != nil {
			l.qualify(qualifiers("on "+r.Resource, "", r.Expires))
		}
	}
	slices.SortFunc(links, func(a, b link) int {
		return cmp.Or(cmp.Compare(a.member, b.member), cmp.Compare(a.role, b.role))
	})
	return nodes, links
}

// breakCycles marks the edges that close a cycle, found by a depth-first
// walk from each node in order, so that the others make a DAG.
func breakCycles(n int, links []link) {
	holds := make([][]int, n) // the links from each member
	for i, l := range links {
		holds[l.member] = append(holds[l.member], i)
	}
	const (
		unseen = iota
		open
		done
	)
	state := make([]int, n)
	type frame struct{ node, next int }
	var stack []frame
	for start := range n {
		if state[start] != unseen {
			continue
		}
		state[start] = open
		stack = append(stack[:0], frame{node: start})
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == len(holds[top.node]) {
				state[top.node] = done
				stack = stack[:len(stack)-1]
				continue
			}
			li := holds[top.node][top.next]
			top.next++
			switch role := links[li].role; state[role] {
			case open:
				links[li].cycle = true
			case unseen:
				state[role] = open
				stack = append(stack, frame{node: role})
			}
		}
	}
}

// assignLayers sets each node's layer, following the edges that close no
// cycle: a node that holds no role is in layer 0, another one layer below
// the lowest role it holds.
func assignLayers(nodes []node, links []link) {
	waiting := make([]int, len(nodes)) // roles held whose layer is not known yet
	members := make([][]int, len(nodes))
	for _, l := range links {
		if !l.cycle {
			waiting[l.member]++
			members[l.role] = append(members[l.role], l.member)
		}
	}
	var ready []int
	for i := range nodes {
		nodes[i].layer = 0
		if waiting[i] == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		role := ready[0]
		ready = ready[1:]
		for _, m := range members[role] {
			nodes[m].layer = max(nodes[m].layer, nodes[role].layer+1)
			if waiting[m]--; waiting[m] == 0 {
				ready = append(ready, m)
			}
		}
	}
}

// addGrants gives each node the lines of its own grants, in the order of
// the policy.
func (g *graph) addGrants(grants []authz.Grant) {
	index := make(map[string]int, len(g.nodes))
	for i, n := range g.nodes {
		index[n.name] = i
	}
	counts := make([]int, len(g.nodes))
	for _, gr := range grants {
		i, ok := index[gr.Subject]
		if !ok {
			continue
		}
		counts[i]++
		if len(g.nodes[i].grants) < maxGrantLines {
			g.nodes[i].grants = append(g.nodes[i].grants, newGrantLine(gr))
		}
	}
	for i, n := range counts {
		if n > maxGrantLines {
			lines := g.nodes[i].grants[:maxGrantLines-1]
			more := n - len(lines)
			g.nodes[i].grants = append(lines, grantLine{text: fmt.Sprintf("+%d more grants", more), kind: noteLine})
		}
	}
}

// newGrantLine describes a grant: "allow posts:read any in acme until
// 2026-12-04".
func newGrantLine(gr authz.Grant) grantLine {
	line := grantLine{kind: allowLine}
	effect := string(gr.Effect)
	switch gr.Effect {
	case "":
		effect = string(authz.Allow)
	case authz.Allow:
	case authz.Deny:
		line.kind = denyLine
	default:
		line.kind = noteLine
	}
	text := effect + " " + string(gr.Permission)
	if gr.Scope != "" {
		text += " " + string(gr.Scope)
	}
	if q := qualifiers("", gr.Tenant, gr.Expires); q != "" {
		text += " " + q
	}
	line.text = clean(text, maxLineRunes)
	return line
}

// qualifiers says where and until when a line holds: "on posts:42 in acme
// until 2026-12-04", each part left out when not set.
func qualifiers(on, tenant string, expires time.Time) string {
	var parts []string
	if on != "" {
		parts = append(parts, on)
	}
	switch tenant {
	case "":
	case authz.AllTenants:
		parts = append(parts, "in every tenant")
	default:
		parts = append(parts, "in "+tenant)
	}
	if !expires.IsZero() {
		parts = append(parts, "until "+expiryDate(expires))
	}
	return strings.Join(parts, " ")
}

// expiryDate writes an expiry as a date, with the time of day in UTC when
// it is not midnight.
func expiryDate(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02 15:04Z")
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
