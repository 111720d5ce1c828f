package rolegraph_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/console/internal/rolegraph"
	"github.com/gatehouse-go/gatehouse/permissions"
)

const svgNamespace = "http://www.w3.org/2000/svg"

// element is an XML element read back from a picture.
type element struct {
	name     xml.Name
	attrs    map[string]string
	children []*element
	text     string
}

// walk calls visit on e and every element inside it, in document order.
func (e *element) walk(visit func(*element)) {
	visit(e)
	for _, c := range e.children {
		c.walk(visit)
	}
}

// child returns e's first child named name, nil if there is none.
func (e *element) child(name string) *element {
	for _, c := range e.children {
		if c.name.Local == name {
			return c
		}
	}
	return nil
}

// parse decodes svg as XML until EOF, failing the test if it is not
// well-formed or is not one element.
func parse(t *testing.T, svg []byte) *element {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	var root *element
	var open []*element
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "the picture must be well-formed XML")
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &element{name: tok.Name, attrs: map[string]string{}}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			if len(open) == 0 {
				require.Nil(t, root, "the picture is one element")
				root = e
			} else {
				parent := open[len(open)-1]
				parent.children = append(parent.children, e)
			}
			open = append(open, e)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				open[len(open)-1].text += string(tok)
			} else {
				require.Empty(t, strings.TrimSpace(string(tok)), "no text outside the picture")
			}
		}
	}
	require.NotNil(t, root)
	return root
}

// box is a node of the picture as read back.
type box struct {
	class      string
	title      string
	x, y, w, h float64
	texts      []string
}

// boxes returns the picture's nodes by the full name in their title.
func boxes(t *testing.T, root *element) map[string]box {
	t.Helper()
	found := map[string]box{}
	root.walk(func(e *element) {
		class := e.attrs["class"]
		if e.name.Local != "g" || (class != "role" && class != "subject") {
			return
		}
		title, rect := e.child("title"), e.child("rect")
		require.NotNil(t, title, "a node has a title")
		require.NotNil(t, rect, "a node has a box")
		b := box{class: class, title: title.text,
			x: number(t, rect.attrs["x"]), y: number(t, rect.attrs["y"]),
			w: number(t, rect.attrs["width"]), h: number(t, rect.attrs["height"])}
		for _, c := range e.children {
			if c.name.Local == "text" {
				b.texts = append(b.texts, c.text)
			}
		}
		_, dup := found[b.title]
		require.False(t, dup, "one node per name: %q", b.title)
		found[b.title] = b
	})
	return found
}

// edgesOf counts the picture's edges by class: inherits, relation, cycle.
func edgesOf(root *element) map[string]int {
	counts := map[string]int{}
	root.walk(func(e *element) {
		if class, ok := strings.CutPrefix(e.attrs["class"], "edge "); ok && e.name.Local == "g" {
			counts[class]++
		}
	})
	return counts
}

func number(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err, "a number: %q", s)
	return v
}

// checkDocument parses svg and checks what every picture must be: an
// <svg> element with its size, role, title and description, and nothing
// that runs, styles or loads anything.
func checkDocument(t *testing.T, svg []byte) *element {
	t.Helper()
	root := parse(t, svg)
	assert.Equal(t, xml.Name{Space: svgNamespace, Local: "svg"}, root.name)
	assert.Equal(t, svgNamespace, root.attrs["xmlns"])
	assert.Equal(t, "img", root.attrs["role"])
	width, height := number(t, root.attrs["width"]), number(t, root.attrs["height"])
	assert.Positive(t, width)
	assert.Positive(t, height)
	assert.Equal(t, "0 0 "+root.attrs["width"]+" "+root.attrs["height"], root.attrs["viewBox"])
	require.GreaterOrEqual(t, len(root.children), 2)
	assert.Equal(t, "title", root.children[0].name.Local, "the title comes first")
	assert.NotEmpty(t, root.children[0].text)
	assert.Equal(t, "desc", root.children[1].name.Local)
	assert.NotEmpty(t, root.children[1].text)
	root.walk(func(e *element) {
		assert.NotContains(t, []string{"script", "style", "foreignObject", "image", "use", "a", "iframe"}, e.name.Local)
		for name, value := range e.attrs {
			assert.NotEqual(t, "style", name, "presentation attributes only")
			assert.NotEqual(t, "href", name, "no external resource")
			assert.False(t, strings.HasPrefix(strings.ToLower(name), "on"), "no event handler: %s", name)
			if strings.Contains(value, "url(") {
				assert.Regexp(t, `^url\(#[a-z-]+\)$`, value, "only references inside the picture")
			}
		}
	})
	return root
}

// grantsTo gives each of roles a grant, so that none is taken for a
// subject.
func grantsTo(roles ...string) []authz.Grant {
	grants := make([]authz.Grant, len(roles))
	for i, r := range roles {
		grants[i] = authz.Grant{Subject: r, Permission: permissions.PostsRead, Scope: permissions.Any, Effect: authz.Allow}
	}
	return grants
}

// inherits returns role assignments from "member>role" pairs.
func inherits(pairs ...string) []authz.RoleAssignment {
	roles := make([]authz.RoleAssignment, len(pairs))
	for i, pair := range pairs {
		member, role, _ := strings.Cut(pair, ">")
		roles[i] = authz.RoleAssignment{Member: member, Role: role}
	}
	return roles
}

func defaultPolicy(t *testing.T) authz.Policy {
	t.Helper()
	text, err := os.ReadFile("../../../policy.csv")
	require.NoError(t, err)
	p, err := authz.ParsePolicy("policy.csv", string(text))
	require.NoError(t, err)
	return p
}

var (
	chain   = authz.Policy{Grants: grantsTo("a", "b", "c"), Roles: inherits("a>b", "b>c")}
	diamond = authz.Policy{Grants: grantsTo("top", "left", "right", "bottom"),
		Roles: inherits("left>top", "right>top", "bottom>left", "bottom>right")}
	// cycle is one the engine would refuse, built by hand: a, b and c hold
	// each other in turn, and x holds itself.
	cycle = authz.Policy{Grants: grantsTo("a", "b", "c", "x"), Roles: inherits("a>b", "b>c", "c>a", "x>x")}
)

// hostileNames are names that are markup, quotes, the end of a CDATA
// section, control characters, or too long to show.
var hostileNames = []string{
	"<script>alert(1)</script>", `a"b`, "x]]>y", "\x01", "tab\there", "a'b&c", "\u202eevil", "bad\xffutf8", "",
	strings.Repeat("n", 1000),
}

func hostilePolicy() authz.Policy {
	var p authz.Policy
	for i, name := range hostileNames {
		p.Grants = append(p.Grants, authz.Grant{Subject: name, Permission: "posts:<b>&", Scope: "]]>", Tenant: "\x00<t>",
			Effect: authz.Effect(`"deny"`)})
		if i > 0 {
			p.Roles = append(p.Roles, authz.RoleAssignment{Member: name, Role: hostileNames[i-1], Tenant: "</svg>"})
			p.Relations = append(p.Relations, authz.Relation{Subject: name, Role: hostileNames[0], Resource: "<x>:\x02"})
		}
	}
	return p
}

// manyRoles returns n roles, role-0001 at the top, each of the others
// holding the one whose number is half its own.
func manyRoles(n int) authz.Policy {
	var p authz.Policy
	name := func(i int) string { return fmt.Sprintf("role-%04d", i) }
	for i := 1; i <= n; i++ {
		p.Grants = append(p.Grants, grantsTo(name(i))...)
		if i > 1 {
			p.Roles = append(p.Roles, authz.RoleAssignment{Member: name(i), Role: name(i / 2)})
		}
	}
	return p
}

// flatRoles returns n roles that neither hold nor give a role.
func flatRoles(n int) authz.Policy {
	var p authz.Policy
	for i := range n {
		p.Grants = append(p.Grants, grantsTo(fmt.Sprintf("flat-%05d", i))...)
	}
	return p
}

// deepChain returns n roles, each holding the next.
func deepChain(n int) authz.Policy {
	var p authz.Policy
	for i := range n {
		p.Grants = append(p.Grants, grantsTo(fmt.Sprintf("deep-%05d", i))...)
		if i > 0 {
			p.Roles = append(p.Roles, authz.RoleAssignment{Member: fmt.Sprintf("deep-%05d", i), Role: fmt.Sprintf("deep-%05d", i-1)})
		}
	}
	return p
}

func TestSVGIsWellFormedXML(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		policy authz.Policy
		opts   rolegraph.Options
		// nodes is the number of nodes drawn; leftOut, when set, what the
		// picture says it left out.
		nodes   int
		leftOut string
	}{
		{name: "empty policy", nodes: 0},
		{name: "default policy", policy: defaultPolicy(t), nodes: 5},
		{name: "chain", policy: chain, nodes: 3},
		{name: "diamond", policy: diamond, nodes: 4},
		{name: "hostile names", policy: hostilePolicy(), nodes: len(hostileNames)},
		{name: "hostile names as subjects", policy: hostilePolicy(), nodes: len(hostileNames),
			opts: rolegraph.Options{Subjects: true, IsSubject: func(name string) bool { return strings.HasPrefix(name, "a") }}},
		{name: "cycle", policy: cycle, nodes: 4},
		{name: "2,000 roles", policy: manyRoles(2000), nodes: 300, leftOut: "1700 roles left out"},
		{name: "2,000 roles that hold none", policy: flatRoles(2000), nodes: 300, leftOut: "1700 roles left out"},
		{name: "10,000 roles in a chain", policy: deepChain(10_000), nodes: 300, leftOut: "9700 roles left out"},
		{name: "10 nodes at most", policy: manyRoles(50), opts: rolegraph.Options{MaxNodes: 10}, nodes: 10,
			leftOut: "40 roles left out: the picture draws at most 10 nodes"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svg := rolegraph.SVG(tt.policy, tt.opts)
			assert.True(t, bytes.HasPrefix(svg, []byte("<svg ")), "the document is an <svg> element")
			root := checkDocument(t, svg)
			assert.Len(t, boxes(t, root), tt.nodes)
			desc := root.child("desc").text
			if tt.leftOut == "" {
				assert.NotContains(t, string(svg), "left out")
				return
			}
			assert.Contains(t, desc, tt.leftOut, "the description says what was left out")
			var note string
			root.walk(func(e *element) {
				if e.attrs["class"] == "note" {
					note = e.text
				}
			})
			assert.Contains(t, note, tt.leftOut, "the picture says what was left out")
			assert.Less(t, len(svg), 1<<20, "the picture is bounded")
		})
	}
}

func TestEmptyPolicySaysSo(t *testing.T) {
	t.Parallel()
	root := checkDocument(t, rolegraph.SVG(authz.Policy{}, rolegraph.Options{}))
	assert.Equal(t, "The policy has no roles to draw.", root.child("desc").text)
	assert.Empty(t, edgesOf(root))
}

func TestInheritedRolesAreDrawnAboveTheirMembers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		policy authz.Policy
	}{
		{"chain", chain},
		{"diamond", diamond},
		{"default policy", defaultPolicy(t)},
		{"diamond with a shortcut", authz.Policy{Grants: diamond.Grants, Roles: append(inherits("bottom>top"), diamond.Roles...)}},
		{"1,000 roles", manyRoles(1000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := checkDocument(t, rolegraph.SVG(tt.policy, rolegraph.Options{}))
			drawn := boxes(t, root)
			edges := 0
			for _, a := range tt.policy.Roles {
				member, okMember := drawn[a.Member]
				role, okRole := drawn[a.Role]
				if !okMember || !okRole {
					continue
				}
				edges++
				assert.Less(t, role.y+role.h, member.y, "%s, which %s holds, is drawn above it", a.Role, a.Member)
			}
			assert.Equal(t, edges, edgesOf(root)["inherits"], "an edge for each role held")
		})
	}

	drawn := boxes(t, parse(t, rolegraph.SVG(chain, rolegraph.Options{})))
	assert.Less(t, drawn["c"].y, drawn["b"].y, "c at the top")
	assert.Less(t, drawn["b"].y, drawn["a"].y, "a at the bottom")
	drawn = boxes(t, parse(t, rolegraph.SVG(diamond, rolegraph.Options{})))
	assert.Equal(t, drawn["left"].y, drawn["right"].y, "left and right in the same layer")
	assert.LessOrEqual(t, drawn["left"].x+drawn["left"].w, drawn["right"].x, "left and right do not overlap")
}

func TestHostileNamesAreEscapedAndShortened(t *testing.T) {
	t.Parallel()
	svg := rolegraph.SVG(hostilePolicy(), rolegraph.Options{})
	root := checkDocument(t, svg)
	for _, raw := range []string{"<script", "<b>", "]]>", "</svg>\n<", "\x00", "\x01", "\x02", "\u202e", "\xff", `a"b`, "<x>", "<t>"} {
		if raw == "</svg>\n<" {
			assert.Equal(t, 1, strings.Count(string(svg), "</svg>"), "one end of the picture")
			continue
		}
		assert.NotContains(t, string(svg), raw, "written as text, not markup")
	}
	drawn := boxes(t, root)
	for _, tt := range []struct{ name, title, shown string }{
		{"<script>alert(1)</script>", "<script>alert(1)</script>", "<script>alert(1)</script>"},
		{`a"b`, `a"b`, `a"b`},
		{"x]]>y", "x]]>y", "x]]>y"},
		{"\x01", "\uFFFD", "\uFFFD"},
		{"tab\there", "tab here", "tab here"},
		{"\u202eevil", "\uFFFDevil", "\uFFFDevil"},
		{"bad\xffutf8", "bad\uFFFDutf8", "bad\uFFFDutf8"},
		{"", `""`, `""`},
		{strings.Repeat("n", 1000), strings.Repeat("n", 1000), strings.Repeat("n", 59) + "…"},
	} {
		b, ok := drawn[tt.title]
		if assert.True(t, ok, "%q is drawn, with its name in full in its title", tt.name) {
			assert.Equal(t, tt.shown, b.texts[0], "the box shows at most 60 characters of the name")
			assert.Contains(t, b.texts, `"deny" posts:<b>& ]]> in �<t>`, "grants are text too")
		}
	}
	long := drawn[strings.Repeat("n", 1000)]
	assert.Less(t, long.w, 60*7.2+40, "the box is as wide as the name shown")
}

func TestCyclesAreDrawnNotFollowed(t *testing.T) {
	t.Parallel()
	svg := rolegraph.SVG(cycle, rolegraph.Options{})
	root := checkDocument(t, svg)
	assert.Equal(t, map[string]int{"inherits": 2, "cycle": 1}, edgesOf(root), "one edge of the cycle closes it; x holding itself is not drawn")
	assert.Contains(t, root.child("desc").text, "1 edge closing a cycle")
	drawn := boxes(t, root)
	assert.Less(t, drawn["c"].y, drawn["b"].y)
	assert.Less(t, drawn["b"].y, drawn["a"].y)
}

func TestEdgesAreBounded(t *testing.T) {
	t.Parallel()
	// 30 roles, each holding every role before it: 435 edges.
	var p authz.Policy
	for i := range 30 {
		p.Grants = append(p.Grants, grantsTo(fmt.Sprintf("r%02d", i))...)
		for j := range i {
			p.Roles = append(p.Roles, authz.RoleAssignment{Member: fmt.Sprintf("r%02d", i), Role: fmt.Sprintf("r%02d", j)})
		}
	}
	root := checkDocument(t, rolegraph.SVG(p, rolegraph.Options{MaxNodes: 30}))
	assert.Len(t, boxes(t, root), 30)
	assert.Equal(t, 120, edgesOf(root)["inherits"], "four edges a node at most")
	assert.Contains(t, root.child("desc").text, "315 edges left out: the picture draws at most 30 nodes and 120 edges.")
}

func TestWideLayersWrap(t *testing.T) {
	t.Parallel()
	root := checkDocument(t, rolegraph.SVG(flatRoles(2000), rolegraph.Options{}))
	assert.Less(t, number(t, root.attrs["width"]), 1300.0, "300 roles side by side are cut into rows")
	for _, b := range boxes(t, root) {
		assert.LessOrEqual(t, b.x+b.w, number(t, root.attrs["width"]), "%s is inside the picture", b.title)
		assert.LessOrEqual(t, b.y+b.h, number(t, root.attrs["height"]), "%s is inside the picture", b.title)
	}
}

func TestBoxesListGrants(t *testing.T) {
	t.Parallel()
	expires := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	p := authz.Policy{Grants: []authz.Grant{
		{Subject: "ops", Permission: permissions.PostsRead, Scope: permissions.Any, Effect: authz.Allow},
		{Subject: "ops", Permission: permissions.UsersDelete, Scope: permissions.Any, Effect: authz.Deny},
		{Subject: "ops", Permission: permissions.PostsDelete, Scope: permissions.Own, Tenant: "acme"},
		{Subject: "ops", Permission: permissions.UsersRead, Scope: permissions.Any, Tenant: authz.AllTenants, Effect: authz.Allow},
		{Subject: "ops", Permission: permissions.PostsUpdate, Scope: permissions.Any, Effect: authz.Allow, Expires: expires},
		{Subject: "ops", Permission: permissions.PostsWrite, Scope: permissions.Any, Effect: authz.Allow, Expires: expires.Add(17 * time.Hour)},
	}}
	for i := range 12 {
		p.Grants = append(p.Grants, authz.Grant{Subject: "busy", Permission: permissions.Permission(fmt.Sprintf("posts:action%02d", i)),
			Scope: permissions.Any, Effect: authz.Allow})
	}
	drawn := boxes(t, checkDocument(t, rolegraph.SVG(p, rolegraph.Options{})))
	assert.Equal(t, []string{"ops",
		"allow posts:read any", "deny users:delete any", "allow posts:delete own in acme", "allow users:read any in every tenant",
		"allow posts:update any until 2026-12-04", "allow posts:write any until 2026-12-04 17:00Z"}, drawn["ops"].texts)
	busy := drawn["busy"].texts
	require.Len(t, busy, 1+8, "the name and 8 lines")
	assert.Equal(t, "allow posts:action00 any", busy[1])
	assert.Equal(t, "allow posts:action06 any", busy[7])
	assert.Equal(t, "+5 more grants", busy[8])
}

func TestRelationsAndSubjects(t *testing.T) {
	t.Parallel()
	p := authz.Policy{
		Grants: grantsTo("user", "editor", "reviewers"),
		Roles: []authz.RoleAssignment{{Member: "alice", Role: "user"}, {Member: "reviewers", Role: "user"},
			{Member: "bob", Role: "user", Expires: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)}},
		Relations: []authz.Relation{{Subject: "reviewers", Role: "editor", Resource: "posts:42"},
			{Subject: "reviewers", Role: "editor", Resource: "posts:43"}, {Subject: "reviewers", Role: "editor", Resource: "posts:44"},
			{Subject: "carol", Role: "editor", Resource: "posts:7"}},
	}
	for _, tt := range []struct {
		name     string
		opts     rolegraph.Options
		roles    []string
		subjects []string
		edges    map[string]int
	}{
		{name: "roles only", roles: []string{"editor", "reviewers", "user"},
			edges: map[string]int{"inherits": 1, "relation": 1}},
		{name: "with subjects", opts: rolegraph.Options{Subjects: true},
			roles: []string{"editor", "reviewers", "user"}, subjects: []string{"alice", "bob", "carol"},
			edges: map[string]int{"inherits": 3, "relation": 2}},
		{name: "subjects told apart", opts: rolegraph.Options{Subjects: true, IsSubject: func(name string) bool { return name == "alice" }},
			roles: []string{"bob", "carol", "editor", "reviewers", "user"}, subjects: []string{"alice"},
			edges: map[string]int{"inherits": 3, "relation": 2}},
		{name: "nothing a subject", opts: rolegraph.Options{IsSubject: func(string) bool { return false }},
			roles: []string{"alice", "bob", "carol", "editor", "reviewers", "user"},
			edges: map[string]int{"inherits": 3, "relation": 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svg := rolegraph.SVG(p, tt.opts)
			root := checkDocument(t, svg)
			var roles, subjects []string
			for name, b := range boxes(t, root) {
				if b.class == "subject" {
					subjects = append(subjects, name)
				} else {
					roles = append(roles, name)
				}
			}
			assert.ElementsMatch(t, tt.roles, roles)
			assert.ElementsMatch(t, tt.subjects, subjects)
			assert.Equal(t, tt.edges, edgesOf(root))
			assert.Contains(t, string(svg), ">on posts:42, on posts:43 +1 more</text>", "a relation's edge names its resources")
			if tt.opts.Subjects {
				assert.Contains(t, string(svg), ">until 2027-01-02</text>", "an expiring assignment says so")
			}
		})
	}
}

func TestSVGIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		policy authz.Policy
	}{
		{"default policy", defaultPolicy(t)},
		{"hostile names", hostilePolicy()},
		{"cycle", cycle},
		{"2,000 roles", manyRoles(2000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first := rolegraph.SVG(tt.policy, rolegraph.Options{})
			assert.Equal(t, string(first), string(rolegraph.SVG(tt.policy, rolegraph.Options{})))

			shuffled := tt.policy
			shuffled.Roles = append([]authz.RoleAssignment(nil), tt.policy.Roles...)
			rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled.Roles), func(i, j int) {
				shuffled.Roles[i], shuffled.Roles[j] = shuffled.Roles[j], shuffled.Roles[i]
			})
			assert.Equal(t, string(first), string(rolegraph.SVG(shuffled, rolegraph.Options{})),
				"the order of the role assignments does not change the picture")
		})
	}
}

func TestMaxNodesAsLargeAsAnInt(t *testing.T) {
	t.Parallel()
	root := checkDocument(t, rolegraph.SVG(diamond, rolegraph.Options{MaxNodes: math.MaxInt}))
	assert.Len(t, boxes(t, root), 4)
	assert.Equal(t, 4, edgesOf(root)["inherits"])
}

// FuzzSVG draws policies of any names: the picture is always well-formed
// and draws each role once.
func FuzzSVG(f *testing.F) {
	for _, name := range hostileNames {
		f.Add(name, "role", "posts:1", "posts:read")
	}
	f.Add("a", "a", "", "")
	f.Add("\xed\xa0\x80", "\uFFFE", "]]>", "&#0;")
	f.Fuzz(func(t *testing.T, member, role, resource, permission string) {
		p := authz.Policy{
			Grants:    []authz.Grant{{Subject: role, Permission: permissions.Permission(permission), Scope: permissions.Scope(resource), Tenant: member}},
			Roles:     []authz.RoleAssignment{{Member: member, Role: role, Tenant: resource}, {Member: role, Role: permission}},
			Relations: []authz.Relation{{Subject: member, Role: permission, Resource: resource}},
		}
		for _, opts := range []rolegraph.Options{{}, {Subjects: true}, {MaxNodes: 1}} {
			svg := rolegraph.SVG(p, opts)
			root := parse(t, svg)
			require.Equal(t, "svg", root.name.Local)
		}
	})
}

func ExampleSVG() {
	p := authz.Policy{
		Grants: []authz.Grant{
			{Subject: "user", Permission: permissions.PostsRead, Scope: permissions.Own, Effect: authz.Allow},
			{Subject: "moderator", Permission: permissions.PostsDelete, Scope: permissions.Any, Effect: authz.Allow},
			{Subject: "admin", Permission: "users:*", Scope: permissions.Any, Effect: authz.Allow},
		},
		Roles: []authz.RoleAssignment{
			{Member: "moderator", Role: "user"},
			{Member: "admin", Role: "moderator"},
			{Member: "alice", Role: "admin"}, // a subject: not drawn by default
		},
	}
	svg := string(rolegraph.SVG(p, rolegraph.Options{}))
	fmt.Println(strings.HasPrefix(svg, "<svg "))
	fmt.Println(strings.Count(svg, `<g class="role">`), "roles")
	fmt.Println(strings.Count(svg, `<g class="edge inherits">`), "edges")
	// Output:
	// true
	// 3 roles
	// 2 edges
}
