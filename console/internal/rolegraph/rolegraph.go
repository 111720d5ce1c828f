// Package rolegraph draws a policy's role graph as an SVG document made on
// the server: no script, no external resource, no style sheet, so that a
// page with a strict Content-Security-Policy can inline it as it is.
//
// A role is drawn as a box with its name and, in smaller text, its own
// grants; an arrow goes from each member to the role it holds, and a role
// sits above the roles that inherit it, the roles that hold none at the
// top. Relations ("g2" lines: a role held on one resource) are drawn as
// dashed blue arrows labelled with the resource; resource parents are not
// part of the role graph and are not drawn. Every name and value is text
// of the policy, which may be hostile: it is escaped, cleared of the
// characters XML forbids and of control characters, and shortened, so the
// document is well-formed XML whatever the policy holds.
package rolegraph

import "github.com/gatehouse-go/gatehouse/authz"

// DefaultMaxNodes is the number of nodes drawn when Options.MaxNodes is
// not set.
const DefaultMaxNodes = 300

// Options bound and shape the picture.
type Options struct {
	// IsSubject tells a subject (a user id) from a role; nil: a name that
	// holds a role (as a role assignment's member or a relation's subject)
	// and never appears as a role or grant subject is a subject.
	IsSubject func(name string) bool
	// MaxNodes bounds the nodes drawn (default 300); beyond it the picture
	// says how many were left out.
	MaxNodes int
	// Subjects: whether subjects (users) are drawn, or only roles (default
	// false: roles only, the usual view of a policy's structure).
	Subjects bool
}

// SVG returns the SVG document (an <svg> element with xmlns, width,
// height, viewBox, role="img", an <title> and <desc> for screen readers).
//
// The picture is laid out in layers from the top down and is the same for
// the same policy: nodes are ordered by name, grants in the order of the
// policy. Each node is a <g> element of class "role" or "subject" whose
// <title> holds the name in full (up to 1,024 characters), the box showing
// at most 60 characters of it and 8 lines of grants. Styling is done with
// presentation attributes only, never a <style> element or attribute.
//
// When the policy has more nodes than Options.MaxNodes, those nearest the
// top of the hierarchy are drawn, roles before subjects and roles that
// neither hold nor give a role last, and a note under the picture (and its
// <desc>) says how many nodes and edges were left out; edges are bounded
// to four times MaxNodes. Cycles, which the engine refuses, are drawn as
// red dotted arrows rather than followed. The work is linear in the size
// of the policy and the layout's bounded by MaxNodes; SVG does not panic.
func SVG(p authz.Policy, opts Options) []byte {
	g := newGraph(p, opts)
	return render(g, layOut(g))
}
