package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

const graphAbout = `
Draws the policy: role inheritance, an edge from each member to the role
it holds ("g, moderator, user": moderator → user), and grants, an edge from
each subject or role to "permission (scope)". Deny grants are drawn red
and dashed. Relations are an edge from the subject or group to the role it
holds on one resource, labelled with the resource ("g2, carol, editor,
posts:42": carol → editor, "on posts:42"), and parents an edge from a
resource to the one it is inside ("g3, docs:9, folders:7": docs:9 →
folders:7); a line that expires has its expiry in its label. The output
is Graphviz DOT source (render it with "dot -Tsvg") or a Mermaid flowchart
(paste it into Markdown); every name is quoted, so any policy renders.

Exit status: 0 drawn, 2 the policy is malformed.`

func runGraph(ctx context.Context, s streams, args []string) int {
	fs := newFlagSet("graph", "[--format dot|mermaid] [--model FILE] [--policy FILE | --database DSN [--table NAME]]", graphAbout,
		"gatehouse graph | dot -Tsvg > policy.svg",
		"gatehouse graph --format mermaid --policy policy.csv")
	var src sourceFlags
	src.register(fs, true)
	format := fs.String("format", "dot", "the output `FORMAT`: dot (Graphviz) or mermaid")
	positional, status, done := fs.parse(s, args)
	if done {
		return status
	}
	if len(positional) > 0 {
		return fail(s, fs.name, unexpectedArgument(fs, positional[0]))
	}
	var draw func(io.Writer, policyGraph)
	switch *format {
	case "dot":
		draw = writeDOT
	case "mermaid":
		draw = writeMermaid
	default:
		return fail(s, fs.name, usagef("--format %q: want dot or mermaid", *format))
	}
	if err := src.check(); err != nil {
		return fail(s, fs.name, err)
	}
	e, closeEngine, err := src.engine(ctx, s.stderr)
	if err != nil {
		return fail(s, fs.name, err)
	}
	defer closeEngine()
	p, err := e.Policy(ctx)
	if err != nil {
		return fail(s, fs.name, err)
	}
	draw(s.stdout, newPolicyGraph(p))
	return exitOK
}

// policyGraph is a policy as nodes and edges, each in the order it first
// appears in the policy, so that drawings are stable.
type policyGraph struct {
	// principals are subjects and roles: whoever holds a role or a grant.
	principals []string
	// targets are "permission (scope)" labels, one per permission and
	// scope granted or denied.
	targets  []string
	inherits []authz.RoleAssignment
	grants   []authz.Grant
	// resources are the resources parents name, as "posts:42".
	resources []string
	relations []authz.Relation
	parents   []authz.ResourceParent
}

func newPolicyGraph(p authz.Policy) policyGraph {
	g := policyGraph{inherits: p.Roles, grants: p.Grants, relations: p.Relations, parents: p.Parents}
	seenPrincipal, seenTarget := map[string]bool{}, map[string]bool{}
	principal := func(name string) {
		if !seenPrincipal[name] {
			seenPrincipal[name] = true
			g.principals = append(g.principals, name)
		}
	}
	for _, a := range p.Roles {
		principal(a.Member)
		principal(a.Role)
	}
	for _, grant := range p.Grants {
		principal(grant.Subject)
		if t := targetLabel(grant); !seenTarget[t] {
			seenTarget[t] = true
			g.targets = append(g.targets, t)
		}
	}
	for _, r := range p.Relations {
		principal(r.Subject)
		principal(r.Role)
	}
	seenResource := map[string]bool{}
	for _, link := range p.Parents {
		for _, name := range []string{link.Resource, link.Parent} {
			if !seenResource[name] {
				seenResource[name] = true
				g.resources = append(g.resources, name)
			}
		}
	}
	return g
}

// targetLabel is what a grant gives: "posts:read (own)".
func targetLabel(g authz.Grant) string {
	return fmt.Sprintf("%s (%s)", g.Permission, g.Scope)
}

// Edge labels: what a line does, and until when if it expires.
func grantLabel(g authz.Grant) string             { return withExpiry(string(g.Effect), g.Expires) }
func inheritsLabel(a authz.RoleAssignment) string { return withExpiry("inherits", a.Expires) }
func relationLabel(r authz.Relation) string       { return withExpiry("on "+r.Resource, r.Expires) }

// parentLabel labels the edge from a resource to its parent.
const parentLabel = "inside"

// withExpiry follows label with the line's expiry, when it has one.
func withExpiry(label string, expires time.Time) string {
	if expires.IsZero() {
		return label
	}
	return label + " " + authz.ExpiryValue(expires)
}

// DOT node ids keep principals and targets apart whatever their names: a
// subject may be called "posts:read (own)". Mermaid's are generated, its
// syntax being too rich to quote names into ids.
func dotPrincipal(name string) string { return dotQuote("subject:" + name) }
func dotTarget(label string) string   { return dotQuote("permission:" + label) }
func dotResource(name string) string  { return dotQuote("resource:" + name) }
func dotQuote(s string) string        { return `"` + dotEscaper.Replace(s) + `"` }
func mermaidQuote(s string) string    { return `"` + mermaidEscaper.Replace(s) + `"` }
func mermaidPrincipal(i int) string   { return fmt.Sprintf("s%d", i) }
func mermaidTarget(i int) string      { return fmt.Sprintf("p%d", i) }
func mermaidResource(i int) string    { return fmt.Sprintf("r%d", i) }

// indexOf maps each of names to its position.
func indexOf(names []string) map[string]int {
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	return index
}

// dotEscaper escapes a DOT quoted string: backslashes start DOT's own
// escapes (\n, \N, \l) in labels, so they are doubled.
var dotEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", "")

// mermaidEscaper writes characters Mermaid would read as syntax or markup
// in a quoted label as its entity codes.
var mermaidEscaper = strings.NewReplacer(
	`"`, "#quot;", "#", "#35;", "<", "#lt;", ">", "#gt;", "&", "#amp;", "`", "#96;", `\`, "#92;", "\n", " ", "\r", "",
)

// writeDOT draws g as Graphviz DOT source.
func writeDOT(w io.Writer, g policyGraph) {
	fmt.Fprintln(w, "digraph gatehouse {")
	fmt.Fprintln(w, "\trankdir=LR;")
	fmt.Fprintln(w, "\tnode [fontname=\"Helvetica\"];")
	fmt.Fprintln(w, "\tedge [fontname=\"Helvetica\", fontsize=10];")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\t// Subjects and roles.")
	for _, name := range g.principals {
		fmt.Fprintf(w, "\t%s [label=%s, shape=box];\n", dotPrincipal(name), dotQuote(name))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\t// Permissions, with their scope.")
	for _, label := range g.targets {
		fmt.Fprintf(w, "\t%s [label=%s, shape=ellipse];\n", dotTarget(label), dotQuote(label))
	}
	if len(g.resources) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "\t// Resources that are inside others, or hold others.")
		for _, name := range g.resources {
			fmt.Fprintf(w, "\t%s [label=%s, shape=folder];\n", dotResource(name), dotQuote(name))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\t// Role inheritance: member -> role.")
	for _, a := range g.inherits {
		fmt.Fprintf(w, "\t%s -> %s [arrowhead=empty, label=%s];\n", dotPrincipal(a.Member), dotPrincipal(a.Role), dotQuote(inheritsLabel(a)))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "\t// Grants: subject or role -> permission.")
	for _, grant := range g.grants {
		attrs := `[color="darkgreen", label=` + dotQuote(grantLabel(grant)) + `]`
		if grant.Effect == authz.Deny {
			attrs = `[color="red", fontcolor="red", style=dashed, label=` + dotQuote(grantLabel(grant)) + `]`
		}
		fmt.Fprintf(w, "\t%s -> %s %s;\n", dotPrincipal(grant.Subject), dotTarget(targetLabel(grant)), attrs)
	}
	if len(g.relations) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "\t// Relations: subject or group -> the role it holds on one resource.")
		for _, r := range g.relations {
			fmt.Fprintf(w, "\t%s -> %s [color=\"blue\", fontcolor=\"blue\", arrowhead=empty, label=%s];\n",
				dotPrincipal(r.Subject), dotPrincipal(r.Role), dotQuote(relationLabel(r)))
		}
	}
	if len(g.parents) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "\t// Parents: resource -> the resource it is inside.")
		for _, link := range g.parents {
			fmt.Fprintf(w, "\t%s -> %s [style=dotted, label=%s];\n", dotResource(link.Resource), dotResource(link.Parent), dotQuote(parentLabel))
		}
	}
	fmt.Fprintln(w, "}")
}

// writeMermaid draws g as a Mermaid flowchart. Node ids are generated
// (s0, p0) and names are quoted labels, so no name is read as syntax.
func writeMermaid(w io.Writer, g policyGraph) {
	principals, targets, resources := indexOf(g.principals), indexOf(g.targets), indexOf(g.resources)
	fmt.Fprintln(w, "flowchart LR")
	for i, name := range g.principals {
		fmt.Fprintf(w, "\t%s[%s]\n", mermaidPrincipal(i), mermaidQuote(name))
	}
	for i, label := range g.targets {
		fmt.Fprintf(w, "\t%s([%s])\n", mermaidTarget(i), mermaidQuote(label))
	}
	for i, name := range g.resources {
		fmt.Fprintf(w, "\t%s[/%s/]\n", mermaidResource(i), mermaidQuote(name))
	}
	edge := 0
	for _, a := range g.inherits {
		fmt.Fprintf(w, "\t%s -->|%s| %s\n", mermaidPrincipal(principals[a.Member]), mermaidLabel(inheritsLabel(a)),
			mermaidPrincipal(principals[a.Role]))
		edge++
	}
	var denies []string
	for _, grant := range g.grants {
		from, to := mermaidPrincipal(principals[grant.Subject]), mermaidTarget(targets[targetLabel(grant)])
		if grant.Effect == authz.Deny {
			fmt.Fprintf(w, "\t%s -.->|%s| %s\n", from, mermaidLabel(grantLabel(grant)), to)
			denies = append(denies, fmt.Sprint(edge))
		} else {
			fmt.Fprintf(w, "\t%s -->|%s| %s\n", from, mermaidLabel(grantLabel(grant)), to)
		}
		edge++
	}
	for _, r := range g.relations {
		fmt.Fprintf(w, "\t%s ==>|%s| %s\n", mermaidPrincipal(principals[r.Subject]), mermaidLabel(relationLabel(r)),
			mermaidPrincipal(principals[r.Role]))
	}
	for _, link := range g.parents {
		fmt.Fprintf(w, "\t%s -.->|%s| %s\n", mermaidResource(resources[link.Resource]), parentLabel,
			mermaidResource(resources[link.Parent]))
	}
	if len(denies) > 0 {
		fmt.Fprintf(w, "\tlinkStyle %s stroke:#c00,color:#c00\n", strings.Join(denies, ","))
	}
}

// mermaidLabel writes an edge's label: bare when it is one word, as the
// labels of lines that do not expire are, quoted otherwise, with the pipe
// that ends an edge's label written as its entity code.
func mermaidLabel(label string) string {
	if strings.ContainsAny(label, " :") {
		return strings.ReplaceAll(mermaidQuote(label), "|", "#124;")
	}
	return label
}
