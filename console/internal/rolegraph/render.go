package rolegraph

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Presentation of the picture: attributes only, which a page's
// Content-Security-Policy does not restrict as it does style sheets.
const (
	fontFamily = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"

	roleFill      = "#eef2ff"
	roleStroke    = "#4338ca"
	subjectFill   = "#f8fafc"
	subjectStroke = "#64748b"
	nameColour    = "#0f172a"
	allowColour   = "#166534"
	denyColour    = "#b91c1c"
	noteColour    = "#475569"

	inheritsColour = "#475569"
	relationColour = "#2563eb"
	cycleColour    = "#b91c1c"
)

// Ids of the arrowheads; they start with the package's name to stay apart
// from the ids of the page the picture is inlined in.
const (
	inheritsArrow = "rolegraph-arrow"
	relationArrow = "rolegraph-arrow-relation"
	cycleArrow    = "rolegraph-arrow-cycle"
)

// render writes the SVG document of g laid out as d.
func render(g graph, d drawing) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" font-family="%s">`,
		num(d.width), num(d.height), num(d.width), num(d.height), fontFamily)
	b.WriteString("\n<title>Role graph of the policy</title>\n<desc>")
	writeText(&b, g.description())
	b.WriteString("</desc>\n<defs>")
	for _, arrow := range []struct{ id, colour string }{
		{inheritsArrow, inheritsColour}, {relationArrow, relationColour}, {cycleArrow, cycleColour},
	} {
		fmt.Fprintf(&b, `<marker id="%s" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0L10,5L0,10z" fill="%s"/></marker>`,
			arrow.id, arrow.colour)
	}
	b.WriteString("</defs>\n")
	if len(d.edges) > 0 {
		b.WriteString(`<g class="edges">` + "\n")
		for _, e := range d.edges {
			writeEdge(&b, g, d.boxes, e)
		}
		b.WriteString("</g>\n")
	}
	if len(d.boxes) > 0 {
		b.WriteString(`<g class="nodes">` + "\n")
		for _, bx := range d.boxes {
			writeBox(&b, g.nodes[bx.node], bx)
		}
		b.WriteString("</g>\n")
	}
	if d.note != "" {
		fmt.Fprintf(&b, `<text class="note" x="%s" y="%s" font-size="%d" fill="%s">`, num(d.noteAt.x), num(d.noteAt.y), nameFontSize, noteColour)
		writeText(&b, d.note)
		b.WriteString("</text>\n")
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// writeEdge writes an edge: a line with an arrowhead at the role, its
// label, and a title that says what it means.
func writeEdge(b *bytes.Buffer, g graph, boxes []box, e edge) {
	l := g.links[e.link]
	class, colour, arrow, dashes := "inherits", inheritsColour, inheritsArrow, ""
	title := boxes[l.member].name + " inherits " + boxes[l.role].name
	if !l.inherits {
		class, colour, arrow, dashes = "relation", relationColour, relationArrow, "6 4"
		title = boxes[l.member].name + " holds " + boxes[l.role].name + " on single resources"
	}
	if l.cycle {
		class, colour, arrow, dashes = "cycle", cycleColour, cycleArrow, "3 3"
		title += ", closing a cycle"
	}
	fmt.Fprintf(b, `<g class="edge %s"><title>`, class)
	writeText(b, title)
	b.WriteString(`</title><path d="`)
	for i, p := range e.points {
		switch {
		case i == 0:
			b.WriteString("M")
		case e.curve && i == 1:
			b.WriteString("C")
		case e.curve:
			b.WriteString(" ")
		default:
			b.WriteString("L")
		}
		b.WriteString(num(p.x) + "," + num(p.y))
	}
	fmt.Fprintf(b, `" fill="none" stroke="%s" stroke-width="1.2"`, colour)
	if dashes != "" {
		fmt.Fprintf(b, ` stroke-dasharray="%s"`, dashes)
	}
	fmt.Fprintf(b, ` marker-end="url(#%s)"/>`, arrow)
	if e.label != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="%d" fill="%s" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">`,
			num(e.labelAt.x), num(e.labelAt.y+labelFontSize/3), labelFontSize, colour)
		writeText(b, e.label)
		b.WriteString("</text>")
	}
	b.WriteString("</g>\n")
}

// writeBox writes a node: a rounded box with its name and its grants, and
// its name in full as its title.
func writeBox(b *bytes.Buffer, n node, bx box) {
	class, fill, stroke := "role", roleFill, roleStroke
	if n.subject {
		class, fill, stroke = "subject", subjectFill, subjectStroke
	}
	fmt.Fprintf(b, `<g class="%s"><title>`, class)
	writeText(b, clean(n.name, maxTitleRunes))
	fmt.Fprintf(b, `</title><rect x="%s" y="%s" width="%s" height="%s" rx="6" ry="6" fill="%s" stroke="%s" stroke-width="1.2"/>`,
		num(bx.x), num(bx.y), num(bx.w), num(bx.h), fill, stroke)
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-size="%d" font-weight="bold" fill="%s">`,
		num(bx.x+bx.w/2), num(bx.y+boxPadTop+nameFontSize+1), nameFontSize, nameColour)
	writeText(b, bx.name)
	b.WriteString("</text>")
	for i, line := range n.grants {
		colour := allowColour
		switch line.kind {
		case denyLine:
			colour = denyColour
		case noteLine:
			colour = noteColour
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" font-size="%d" fill="%s">`,
			num(bx.x+boxPadX), num(bx.y+boxPadTop+nameLineHeight+float64(i)*lineHeight+lineFontSize), lineFontSize, colour)
		writeText(b, line.text)
		b.WriteString("</text>")
	}
	b.WriteString("</g>\n")
}

// description says in words what the picture shows, for screen readers.
func (g graph) description() string {
	roles, subjects := 0, 0
	for _, n := range g.nodes {
		if n.subject {
			subjects++
		} else {
			roles++
		}
	}
	inherits, relations, cycles := 0, 0, 0
	for _, l := range g.links {
		switch {
		case l.cycle:
			cycles++
		case l.inherits:
			inherits++
		default:
			relations++
		}
	}
	if len(g.nodes) == 0 {
		return "The policy has no roles to draw."
	}
	counts := []string{count(roles, "role", "roles")}
	if subjects > 0 {
		counts = append(counts, count(subjects, "subject", "subjects"))
	}
	counts = append(counts, count(inherits, "inheritance edge", "inheritance edges"))
	if relations > 0 {
		counts = append(counts, count(relations, "relation edge", "relation edges"))
	}
	if cycles > 0 {
		counts = append(counts, count(cycles, "edge closing a cycle", "edges closing a cycle"))
	}
	s := "The policy's role graph: " + strings.Join(counts, ", ") +
		". An arrow goes from each member to the role it holds, a role is drawn above the roles that inherit it, and each box lists its role's own grants."
	if note := g.leftOutNote(); note != "" {
		s += " " + note
	}
	return s
}

// leftOutNote says what MaxNodes left out, "" when nothing was.
func (g graph) leftOutNote() string {
	var parts []string
	if g.leftRoles > 0 {
		parts = append(parts, count(g.leftRoles, "role", "roles"))
	}
	if g.leftSubjects > 0 {
		parts = append(parts, count(g.leftSubjects, "subject", "subjects"))
	}
	if g.leftLinks > 0 {
		parts = append(parts, count(g.leftLinks, "edge", "edges"))
	}
	if len(parts) == 0 {
		return ""
	}
	return fmt.Sprintf("%s left out: the picture draws at most %s and %s.", strings.Join(parts, ", "),
		count(g.maxNodes, "node", "nodes"), count(g.maxLinks, "edge", "edges"))
}

// count writes n with the noun it counts.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// num writes a coordinate to a tenth of a pixel.
func num(v float64) string {
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
