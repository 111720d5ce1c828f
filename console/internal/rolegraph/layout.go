package rolegraph

import (
	"cmp"
	"math"
	"slices"
)

// Metrics of the picture, in pixels. Character widths are those of a
// monospace font at the size given, which the picture asks for.
const (
	nameFontSize   = 12
	nameCharWidth  = 7.2
	nameLineHeight = 18
	lineFontSize   = 10
	lineCharWidth  = 6.0
	lineHeight     = 13
	labelFontSize  = 10
	labelCharWidth = 6.0

	boxPadX      = 10
	boxPadTop    = 6
	boxPadBottom = 6
	minBoxWidth  = 48

	margin = 16
	// nodeGap and bendGap part boxes, and the bends of long edges, in a row.
	nodeGap = 24
	bendGap = 10
	// rowGap parts the rows of a layer too wide for one, layerGap the
	// layers, leaving room for the labels of edges.
	rowGap      = 16
	layerGap    = 56
	maxRowWidth = 1200
	noteGap     = 24
	// cycleBulge and maxCycleBulge bound how far the curve of an edge
	// that closes a cycle goes out to the right of its boxes.
	cycleBulge    = 40
	maxCycleBulge = 160

	// bendsPerNode bounds the bends of long edges: bendsPerNode times the
	// nodes drawn; an edge beyond it is drawn straight.
	bendsPerNode = 10
	// orderingRounds and placingRounds are the sweeps that order the
	// nodes of each layer and place them.
	orderingRounds = 4
	placingRounds  = 8
)

// drawing is the picture laid out: where each box and edge goes.
type drawing struct {
	width, height float64
	boxes         []box
	edges         []edge
	// note, when set, is a line of text under the picture.
	note   string
	noteAt point
}

// point is a position in the picture.
type point struct{ x, y float64 }

// box is where a node is drawn: its top left corner and size.
type box struct {
	node       int
	name       string
	x, y, w, h float64
}

// edge is where a link is drawn: a line through points, from the member
// to the role, or a curve, whose points are those of a cubic Bézier
// curve; and its label.
type edge struct {
	link    int
	points  []point
	curve   bool
	label   string
	labelAt point
}

// vertex is a node, or a bend of an edge that crosses layers, in the
// layout.
type vertex struct {
	// node is the index of the node in the graph, -1 for a bend.
	node  int
	layer int
	// x is the centre, y the top.
	x, y, w, h float64
	// up and down are the vertices one layer up and one down that a
	// segment of an edge joins to this one.
	up, down []int
}

// row is one row of vertices: a layer, or part of a layer too wide for a
// row of its own.
type row struct {
	layer    int
	vertices []int
}

// layOut places g's nodes and edges: a layered drawing from the top down,
// each role above the roles that hold it.
func layOut(g graph) drawing {
	note := g.leftOutNote()
	if len(g.nodes) == 0 {
		note = "No roles to draw."
		return drawing{
			width:  textWidth(note, nameCharWidth) + 2*margin,
			height: nameFontSize + 2*margin,
			note:   note,
			noteAt: point{margin, margin + nameFontSize},
		}
	}

	names := make([]string, len(g.nodes))
	vs := make([]vertex, len(g.nodes))
	layerCount := 0
	for i, n := range g.nodes {
		names[i] = clean(n.name, maxNameRunes)
		w, h := boxSize(names[i], n.grants)
		vs[i] = vertex{node: i, layer: n.layer, w: w, h: h}
		layerCount = max(layerCount, n.layer+1)
	}
	linked := make([]bool, len(g.nodes))
	chains := make([][]int, len(g.links)) // vertices of each link, member first
	bends := bendsPerNode * len(g.nodes)
	for i, l := range g.links {
		linked[l.member], linked[l.role] = true, true
		chain := []int{l.member}
		span := vs[l.member].layer - vs[l.role].layer
		if !l.cycle && span > 1 && span-1 <= bends {
			bends -= span - 1
			for layer := vs[l.member].layer - 1; layer > vs[l.role].layer; layer-- {
				vs = append(vs, vertex{node: -1, layer: layer})
				chain = append(chain, len(vs)-1)
			}
		}
		chain = append(chain, l.role)
		for k := 0; !l.cycle && k+1 < len(chain); k++ {
			if below, above := chain[k], chain[k+1]; vs[below].layer == vs[above].layer+1 {
				vs[below].up = append(vs[below].up, above)
				vs[above].down = append(vs[above].down, below)
			}
		}
		chains[i] = chain
	}

	layers := make([][]int, layerCount)
	for v := range vs {
		layers[vs[v].layer] = append(layers[vs[v].layer], v)
	}
	// Roles that neither hold nor give a role go first, so that those
	// with edges are nearest the layer below.
	alone := make([]bool, len(vs))
	for i := range g.nodes {
		alone[i] = !linked[i]
	}
	orderLayers(vs, layers, alone)
	rows := wrapRows(vs, layers, alone)
	placeX(vs, rows)
	placeY(vs, rows)

	d := drawing{note: note}
	for i := range g.nodes {
		v := vs[i]
		d.boxes = append(d.boxes, box{node: i, name: names[i], x: v.x - v.w/2, y: v.y, w: v.w, h: v.h})
	}
	d.edges = routeEdges(g, vs, chains)
	d.frame()
	return d
}

// boxSize is the size of the box of a node named name with grant lines.
func boxSize(name string, grants []grantLine) (w, h float64) {
	w = textWidth(name, nameCharWidth)
	for _, line := range grants {
		w = max(w, textWidth(line.text, lineCharWidth))
	}
	w = max(w+2*boxPadX, minBoxWidth)
	h = boxPadTop + nameLineHeight + float64(len(grants))*lineHeight + boxPadBottom
	return w, h
}

// orderLayers orders the vertices of each layer to keep edges from
// crossing: sweeps down and up the layers, each vertex with neighbours in
// the layer swept from moved to the mean of their positions, the others
// keeping their places. Vertices marked first are put at the start of
// their layer, and having no neighbours, stay there.
func orderLayers(vs []vertex, layers [][]int, first []bool) {
	pos := make([]float64, len(vs))
	number := func(layer []int) {
		for i, v := range layer {
			pos[v] = float64(i)
		}
	}
	for _, layer := range layers {
		slices.SortStableFunc(layer, func(a, b int) int { return compareBool(!first[a], !first[b]) })
		number(layer)
	}
	key := make([]float64, len(vs))
	var moving, places []int
	sweep := func(layer []int, neighbours func(v int) []int) {
		moving, places = moving[:0], places[:0]
		for i, v := range layer {
			ns := neighbours(v)
			if len(ns) == 0 {
				continue
			}
			key[v] = 0
			for _, u := range ns {
				key[v] += pos[u]
			}
			key[v] /= float64(len(ns))
			moving, places = append(moving, v), append(places, i)
		}
		slices.SortStableFunc(moving, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
		for k, i := range places {
			layer[i] = moving[k]
		}
		number(layer)
	}
	up := func(v int) []int { return vs[v].up }
	down := func(v int) []int { return vs[v].down }
	for range orderingRounds {
		for k := 1; k < len(layers); k++ {
			sweep(layers[k], up)
		}
		for k := len(layers) - 2; k >= 0; k-- {
			sweep(layers[k], down)
		}
	}
}

// wrapRows makes each layer a row, except that the nodes that neither
// hold nor give a role, at the start of the first layer, are cut into rows
// no wider than maxRowWidth: no edge crosses them. The nodes with edges
// share the last of those rows when they fit in it, and are never cut
// apart, which would make edges cross boxes.
func wrapRows(vs []vertex, layers [][]int, alone []bool) []row {
	var rows []row
	for k, layer := range layers {
		current := row{layer: k}
		width := 0.0
		for i, v := range layer {
			wrap := len(current.vertices) > 0 && width+vs[v].w > maxRowWidth
			if !alone[v] {
				rest := 0.0
				for _, u := range layer[i:] {
					rest += vs[u].w + nodeGap
				}
				wrap = len(current.vertices) > 0 && width+rest-nodeGap > maxRowWidth
			}
			if wrap {
				rows = append(rows, current)
				current = row{layer: k}
				width = 0
			}
			current.vertices = append(current.vertices, v)
			width += vs[v].w + nodeGap
			if !alone[v] {
				current.vertices = append(current.vertices, layer[i+1:]...)
				break
			}
		}
		if len(current.vertices) > 0 {
			rows = append(rows, current)
		}
	}
	return rows
}

// placeX sets the centre of each vertex: each row packed and centred,
// then sweeps that move each vertex towards the mean of its neighbours in
// the rows swept from, keeping the order and the gaps of its row.
func placeX(vs []vertex, rows []row) {
	for _, r := range rows {
		width := 0.0
		for i, v := range r.vertices {
			if i > 0 {
				width += separation(vs, r.vertices[i-1], v)
			}
		}
		x := -width / 2
		for i, v := range r.vertices {
			if i > 0 {
				x += separation(vs, r.vertices[i-1], v)
			}
			vs[v].x = x
		}
	}
	desired := make([]float64, len(vs))
	place := func(r row, neighbours func(v int) []int) {
		for _, v := range r.vertices {
			desired[v] = vs[v].x
			if ns := neighbours(v); len(ns) > 0 {
				desired[v] = 0
				for _, u := range ns {
					desired[v] += vs[u].x
				}
				desired[v] /= float64(len(ns))
			}
		}
		keepApart(vs, r.vertices, desired)
	}
	up := func(v int) []int { return vs[v].up }
	down := func(v int) []int { return vs[v].down }
	for range placingRounds {
		for i := 1; i < len(rows); i++ {
			place(rows[i], up)
		}
		for i := len(rows) - 2; i >= 0; i-- {
			place(rows[i], down)
		}
	}
}

// keepApart sets the centres of the vertices of a row as near the desired
// ones as their order and gaps allow: the mean of the row pushed right
// from the left and pushed left from the right, both of which keep the
// gaps.
func keepApart(vs []vertex, r []int, desired []float64) {
	fromLeft := make([]float64, len(r))
	fromRight := make([]float64, len(r))
	for i, v := range r {
		fromLeft[i] = desired[v]
		if i > 0 {
			fromLeft[i] = max(fromLeft[i], fromLeft[i-1]+separation(vs, r[i-1], v))
		}
	}
	for i := len(r) - 1; i >= 0; i-- {
		fromRight[i] = desired[r[i]]
		if i < len(r)-1 {
			fromRight[i] = min(fromRight[i], fromRight[i+1]-separation(vs, r[i], r[i+1]))
		}
	}
	for i, v := range r {
		vs[v].x = (fromLeft[i] + fromRight[i]) / 2
	}
}

// separation is the least distance between the centres of neighbours a
// and b in a row.
func separation(vs []vertex, a, b int) float64 {
	gap := float64(nodeGap)
	if vs[a].node < 0 || vs[b].node < 0 {
		gap = bendGap
	}
	return vs[a].w/2 + vs[b].w/2 + gap
}

// placeY sets the top of each vertex: rows stacked from the top, each as
// tall as its tallest box, a bend as tall as its row.
func placeY(vs []vertex, rows []row) {
	y := float64(margin)
	for i, r := range rows {
		height := 0.0
		for _, v := range r.vertices {
			if vs[v].node >= 0 {
				height = max(height, vs[v].h)
			}
		}
		for _, v := range r.vertices {
			vs[v].y = y
			if vs[v].node < 0 {
				vs[v].h = height
			}
		}
		y += height + layerGap
		if i+1 < len(rows) && rows[i+1].layer == r.layer {
			y += rowGap - layerGap
		}
	}
}

// routeEdges draws each link from the top of its member, through its
// bends, to the bottom of its role; the ends of the edges that meet a
// side of a box are spread along it in the order of where they come from.
// An edge that closes a cycle is a curve from the right side of its
// member to the right side of its role, away from the other edges.
func routeEdges(g graph, vs []vertex, chains [][]int) []edge {
	type end struct {
		link    int
		towards float64
	}
	tops := make([][]end, len(g.nodes))
	bottoms := make([][]end, len(g.nodes))
	for i, chain := range chains {
		if g.links[i].cycle {
			continue
		}
		member, role := chain[0], chain[len(chain)-1]
		tops[member] = append(tops[member], end{i, vs[chain[1]].x})
		bottoms[role] = append(bottoms[role], end{i, vs[chain[len(chain)-2]].x})
	}
	startX := make([]float64, len(chains))
	endX := make([]float64, len(chains))
	spread := func(v int, ends []end, xs []float64) {
		slices.SortFunc(ends, func(a, b end) int { return cmp.Or(cmp.Compare(a.towards, b.towards), cmp.Compare(a.link, b.link)) })
		left := vs[v].x - vs[v].w/2
		for k, e := range ends {
			xs[e.link] = left + vs[v].w*float64(k+1)/float64(len(ends)+1)
		}
	}
	for v := range g.nodes {
		spread(v, tops[v], startX)
		spread(v, bottoms[v], endX)
	}

	edges := make([]edge, len(chains))
	for i, chain := range chains {
		member, role := vs[chain[0]], vs[chain[len(chain)-1]]
		e := edge{link: i, label: g.links[i].label()}
		if g.links[i].cycle {
			from := point{member.x + member.w/2, member.y + member.h/2}
			to := point{role.x + role.w/2, role.y + role.h/2}
			bulge := min(cycleBulge+math.Abs(to.y-from.y)/4, maxCycleBulge)
			e.curve = true
			e.points = []point{from, {from.x + bulge, from.y}, {to.x + bulge, to.y}, to}
			// The middle of the curve.
			e.labelAt = point{(from.x + 3*(from.x+bulge) + 3*(to.x+bulge) + to.x) / 8, (from.y + to.y) / 2}
		} else {
			e.points = append(e.points, point{startX[i], member.y})
			for _, b := range chain[1 : len(chain)-1] {
				e.points = append(e.points, point{vs[b].x, vs[b].y + vs[b].h}, point{vs[b].x, vs[b].y})
			}
			e.points = append(e.points, point{endX[i], role.y + role.h})
			e.labelAt = point{(e.points[0].x + e.points[1].x) / 2, (e.points[0].y + e.points[1].y) / 2}
		}
		edges[i] = e
	}
	return edges
}

// frame moves the picture to leave a margin around it, puts the note
// under it and sets its size.
func (d *drawing) frame() {
	left, right, bottom := d.boxes[0].x, d.boxes[0].x+d.boxes[0].w, 0.0
	for _, b := range d.boxes {
		left, right, bottom = min(left, b.x), max(right, b.x+b.w), max(bottom, b.y+b.h)
	}
	for _, e := range d.edges {
		for _, p := range e.points {
			left, right, bottom = min(left, p.x), max(right, p.x), max(bottom, p.y)
		}
		if e.label != "" {
			half := textWidth(e.label, labelCharWidth) / 2
			left, right = min(left, e.labelAt.x-half), max(right, e.labelAt.x+half)
		}
	}
	if d.note != "" {
		right = max(right, left+textWidth(d.note, nameCharWidth))
		d.noteAt = point{margin, bottom + noteGap}
		bottom = d.noteAt.y
	}
	shift := margin - left
	for i := range d.boxes {
		d.boxes[i].x += shift
	}
	for i := range d.edges {
		for k := range d.edges[i].points {
			d.edges[i].points[k].x += shift
		}
		d.edges[i].labelAt.x += shift
	}
	d.width = right - left + 2*margin
	d.height = bottom + margin
}
