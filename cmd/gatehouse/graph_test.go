package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/graph")

func TestGraphGolden(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ format, golden, policy string }{
		{"dot", "testdata/graph/default.dot", ""},
		{"mermaid", "testdata/graph/default.mmd", ""},
		{"dot", "testdata/graph/relations.dot", "testdata/relations.csv"},
		{"mermaid", "testdata/graph/relations.mmd", "testdata/relations.csv"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			args := []string{"graph", "--format", tt.format}
			if tt.format == "dot" {
				args = []string{"graph"} // the default format
			}
			if tt.policy != "" {
				args = append(args, "--policy", tt.policy)
			}
			r := cli(t, args...)
			require.Equal(t, exitOK, r.code, r)
			assert.Empty(t, r.stderr, r)
			if *update {
				require.NoError(t, os.WriteFile(tt.golden, []byte(r.stdout), 0o644))
			}
			want, err := os.ReadFile(tt.golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), r.stdout, "run go test -run TestGraphGolden -update after a deliberate change")
		})
	}
}

// TestGraphIsWellFormed draws policies whose names are DOT and Mermaid
// syntax, and reads every drawing back: each name a node of its own,
// each rule an edge between declared nodes, denies styled as such.
func TestGraphIsWellFormed(t *testing.T) {
	t.Parallel()
	names, err := os.ReadFile("testdata/graph_names.csv")
	require.NoError(t, err)
	policies := []struct{ name, file, text string }{
		{"embedded", "", gatehouse.DefaultPolicy()},
		{"blog", "testdata/policy.csv", ""},
		{"names", "testdata/graph_names.csv", string(names)},
		{"relations", "testdata/relations.csv", ""},
		{"relation names", "testdata/graph_relation_names.csv", ""},
	}
	for _, p := range policies {
		text := p.text
		if text == "" {
			b, err := os.ReadFile(p.file)
			require.NoError(t, err)
			text = string(b)
		}
		policy, err := authz.ParsePolicy(p.name, text)
		require.NoError(t, err)
		want := newPolicyGraph(policy)
		for _, format := range []string{"dot", "mermaid"} {
			t.Run(p.name+"/"+format, func(t *testing.T) {
				t.Parallel()
				args := []string{"graph", "--format", format}
				if p.file != "" {
					args = append(args, "--policy", p.file)
				}
				r := cli(t, args...)
				require.Equal(t, exitOK, r.code, r)
				var got drawnGraph
				if format == "dot" {
					got = readDOT(t, r.stdout)
				} else {
					got = readMermaid(t, r.stdout)
				}
				assert.ElementsMatch(t, want.principals, got.principals)
				assert.ElementsMatch(t, want.targets, got.targets)
				assert.ElementsMatch(t, want.resources, got.resources)
				var wantEdges []drawnEdge
				for _, a := range want.inherits {
					wantEdges = append(wantEdges, drawnEdge{a.Member, a.Role, inheritsLabel(a)})
				}
				for _, g := range want.grants {
					wantEdges = append(wantEdges, drawnEdge{g.Subject, targetLabel(g), grantLabel(g)})
				}
				for _, r := range want.relations {
					wantEdges = append(wantEdges, drawnEdge{r.Subject, r.Role, relationLabel(r)})
				}
				for _, link := range want.parents {
					wantEdges = append(wantEdges, drawnEdge{link.Resource, link.Parent, parentLabel})
				}
				assert.Equal(t, wantEdges, got.edges)
			})
		}
	}
}

// drawnGraph is a drawing read back: node labels and labelled edges
// between them.
type drawnGraph struct {
	principals, targets, resources []string
	edges                          []drawnEdge
}

type drawnEdge struct{ from, to, kind string }

// readDOT reads the DOT the command writes: it tokenizes the whole text
// (quoted strings with their escapes, comments), checks that braces and
// brackets balance and statements end, and resolves every edge to
// declared nodes.
func readDOT(t *testing.T, text string) drawnGraph {
	t.Helper()
	tokens := dotTokens(t, text)
	require.GreaterOrEqual(t, len(tokens), 3)
	require.Equal(t, []string{"digraph", "gatehouse", "{"}, tokens[:3])
	require.Equal(t, "}", tokens[len(tokens)-1], "the graph ends with its closing brace")
	depth := 0
	for _, tok := range tokens {
		switch tok {
		case "{", "[":
			depth++
		case "}", "]":
			depth--
		}
		require.GreaterOrEqual(t, depth, 0, "unbalanced braces")
	}
	require.Zero(t, depth, "unbalanced braces")

	var g drawnGraph
	labels := map[string]string{} // node id -> label
	for _, stmt := range dotStatements(t, tokens[3:len(tokens)-1]) {
		attrs := dotAttributes(t, stmt)
		switch {
		case len(stmt) >= 3 && stmt[1] == "->":
			from, to := stmt[0], stmt[2]
			require.Contains(t, labels, from, "edge from an undeclared node")
			require.Contains(t, labels, to, "edge to an undeclared node")
			kind := attrs["label"]
			if strings.HasPrefix(kind, "deny") {
				assert.Equal(t, "red", attrs["color"], "deny edges are red")
				assert.Equal(t, "dashed", attrs["style"], "deny edges are dashed")
			}
			if strings.HasPrefix(kind, "on ") {
				assert.Equal(t, "blue", attrs["color"], "relation edges are blue")
			}
			if kind == parentLabel {
				assert.Equal(t, "dotted", attrs["style"], "parent edges are dotted")
			}
			g.edges = append(g.edges, drawnEdge{labels[from], labels[to], kind})
		case isQuoted(stmt[0]):
			id := stmt[0]
			require.NotContains(t, labels, id, "node declared twice")
			labels[id] = attrs["label"]
			switch attrs["shape"] {
			case "box":
				g.principals = append(g.principals, attrs["label"])
			case "ellipse":
				g.targets = append(g.targets, attrs["label"])
			case "folder":
				g.resources = append(g.resources, attrs["label"])
			default:
				t.Fatalf("node %s has shape %q", id, attrs["shape"])
			}
		}
	}
	return g
}

// dotTokens splits DOT text into tokens, quoted strings unescaped and
// kept in quotes.
func dotTokens(t *testing.T, text string) []string {
	t.Helper()
	var tokens []string
	rs := []rune(text)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '/' && i+1 < len(rs) && rs[i+1] == '/':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
		case c == '-' && i+1 < len(rs) && rs[i+1] == '>':
			tokens = append(tokens, "->")
			i += 2
		case strings.ContainsRune("{}[];=,", c):
			tokens = append(tokens, string(c))
			i++
		case c == '"':
			var b strings.Builder
			i++
			for ; ; i++ {
				require.Less(t, i, len(rs), "unterminated string")
				if rs[i] == '\\' {
					require.Less(t, i+1, len(rs), "unterminated escape")
					require.Contains(t, []rune{'\\', '"'}, rs[i+1], "only \\\\ and \\\" are escaped")
					b.WriteRune(rs[i+1])
					i++
					continue
				}
				if rs[i] == '"' {
					i++
					break
				}
				require.NotEqual(t, '\n', rs[i], "newline in a string")
				b.WriteRune(rs[i])
			}
			tokens = append(tokens, `"`+b.String()+`"`)
		case unicode.IsLetter(c) || unicode.IsDigit(c) || c == '_':
			start := i
			for i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]) || rs[i] == '_' || rs[i] == '.') {
				i++
			}
			tokens = append(tokens, string(rs[start:i]))
		default:
			t.Fatalf("unexpected %q in DOT at %d", c, i)
		}
	}
	return tokens
}

// dotStatements splits the graph's body at semicolons; each must end with
// one.
func dotStatements(t *testing.T, tokens []string) [][]string {
	t.Helper()
	var stmts [][]string
	var cur []string
	for _, tok := range tokens {
		if tok == ";" {
			require.NotEmpty(t, cur, "empty statement")
			stmts = append(stmts, cur)
			cur = nil
			continue
		}
		cur = append(cur, tok)
	}
	require.Empty(t, cur, "statement without its semicolon")
	return stmts
}

// dotAttributes reads the [k=v, …] list closing a statement, values
// unquoted.
func dotAttributes(t *testing.T, stmt []string) map[string]string {
	t.Helper()
	attrs := map[string]string{}
	open := slices.Index(stmt, "[")
	if open < 0 {
		return attrs
	}
	require.Equal(t, "]", stmt[len(stmt)-1])
	list := stmt[open+1 : len(stmt)-1]
	for i := 0; i < len(list); i += 4 {
		require.GreaterOrEqual(t, len(list), i+3, "attribute without a value")
		require.Equal(t, "=", list[i+1])
		attrs[list[i]] = strings.Trim(list[i+2], `"`)
		if i+3 < len(list) {
			require.Equal(t, ",", list[i+3])
		}
	}
	return attrs
}

func isQuoted(tok string) bool { return len(tok) >= 2 && tok[0] == '"' && tok[len(tok)-1] == '"' }

var (
	mermaidPrincipalLine = regexp.MustCompile(`^\t(s\d+)\["([^"]*)"\]$`)
	mermaidTargetLine    = regexp.MustCompile(`^\t(p\d+)\(\["([^"]*)"\]\)$`)
	mermaidResourceLine  = regexp.MustCompile(`^\t(r\d+)\[/"([^"]*)"/\]$`)
	mermaidEdgeLine      = regexp.MustCompile(`^\t([sr]\d+) (-->|-\.->|==>)\|(inherits|allow|deny|inside|"[^"]*")\| ([spr]\d+)$`)
	mermaidLinkStyleLine = regexp.MustCompile(`^\tlinkStyle ([\d,]+) stroke:#c00,color:#c00$`)
	mermaidEntity        = regexp.MustCompile(`#(\w+);`)
)

// readMermaid reads the flowchart the command writes, line by line: every
// line a node, an edge between declared nodes or the deny edges' style,
// and labels free of quotes and markup.
func readMermaid(t *testing.T, text string) drawnGraph {
	t.Helper()
	all := lines(text)
	require.NotEmpty(t, all)
	require.Equal(t, "flowchart LR", all[0])
	var g drawnGraph
	labels := map[string]string{}
	var denies []string
	for _, line := range all[1:] {
		if m := mermaidPrincipalLine.FindStringSubmatch(line); m != nil {
			labels[m[1]] = unescapeMermaid(t, m[2])
			g.principals = append(g.principals, labels[m[1]])
			continue
		}
		if m := mermaidTargetLine.FindStringSubmatch(line); m != nil {
			labels[m[1]] = unescapeMermaid(t, m[2])
			g.targets = append(g.targets, labels[m[1]])
			continue
		}
		if m := mermaidResourceLine.FindStringSubmatch(line); m != nil {
			labels[m[1]] = unescapeMermaid(t, m[2])
			g.resources = append(g.resources, labels[m[1]])
			continue
		}
		if m := mermaidEdgeLine.FindStringSubmatch(line); m != nil {
			require.Contains(t, labels, m[1], "edge from an undeclared node")
			require.Contains(t, labels, m[4], "edge to an undeclared node")
			kind := m[3]
			if isQuoted(kind) {
				kind = unescapeMermaid(t, strings.Trim(kind, `"`))
			}
			deny, parent, relation := strings.HasPrefix(kind, "deny"), kind == parentLabel, strings.HasPrefix(kind, "on ")
			assert.Equal(t, deny || parent, m[2] == "-.->", "deny and parent edges, and only they, are dotted")
			assert.Equal(t, relation, m[2] == "==>", "relation edges, and only they, are thick")
			assert.Equal(t, parent, m[1][0] == 'r' && m[4][0] == 'r', "parent edges, and only they, join resources")
			if deny {
				denies = append(denies, strconv.Itoa(len(g.edges)))
			}
			g.edges = append(g.edges, drawnEdge{labels[m[1]], labels[m[4]], kind})
			continue
		}
		if m := mermaidLinkStyleLine.FindStringSubmatch(line); m != nil {
			assert.Equal(t, strings.Join(denies, ","), m[1], "linkStyle colours the deny edges")
			denies = nil
			continue
		}
		t.Fatalf("unexpected Mermaid line %q", line)
	}
	assert.Empty(t, denies, "deny edges without their style")
	return g
}

// unescapeMermaid decodes the entity codes the command writes, and
// refuses characters Mermaid would read as markup.
func unescapeMermaid(t *testing.T, label string) string {
	t.Helper()
	plain := mermaidEntity.ReplaceAllString(label, "")
	for _, c := range "\"<>&`\\" {
		require.NotContains(t, plain, string(c), "%q is escaped in Mermaid labels", c)
	}
	named := map[string]string{"quot": `"`, "lt": "<", "gt": ">", "amp": "&"}
	return mermaidEntity.ReplaceAllStringFunc(label, func(e string) string {
		code := mermaidEntity.FindStringSubmatch(e)[1]
		if s, ok := named[code]; ok {
			return s
		}
		n, err := strconv.Atoi(code)
		require.NoError(t, err, "entity %s", e)
		return fmt.Sprintf("%c", rune(n))
	})
}
