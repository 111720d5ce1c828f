package authztest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Parse reads a decision table written in YAML (see the package
// documentation for the format). source names the text in messages and
// becomes the Source of the table and of each case, with each case's Line.
// Decoding is strict; every problem found is reported, each as a
// *TableError naming source and line, joined when there are several, and
// all matching ErrInvalidTable.
func Parse(source string, data []byte) (Table, error) {
	root, err := document(source, data)
	if err != nil {
		return Table{}, err
	}
	p := parser{source: source}
	table := p.table(root)
	if err := joinErrors(p.errs); err != nil {
		return Table{}, err
	}
	return table, nil
}

// LoadFile reads the decision table in the YAML file at path, which names
// it in messages.
func LoadFile(path string) (Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Table{}, err
	}
	return Parse(path, data)
}

// document returns the top node of the one YAML document in data.
func document(source string, data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &TableError{Source: source, Err: errors.New("empty: want a table with cases")}
		}
		return nil, &TableError{Source: source, Err: fmt.Errorf("not valid YAML: %w", err)}
	}
	if len(doc.Content) == 0 {
		return nil, &TableError{Source: source, Err: errors.New("empty: want a table with cases")}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, &TableError{Source: source, Err: fmt.Errorf("not valid YAML: %w", err)}
	default:
		return nil, &TableError{Source: source, Line: next.Line, Err: errors.New("a second YAML document: write one table per file")}
	}
	return resolve(doc.Content[0]), nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// parser turns nodes into a Table, collecting every problem on the way.
type parser struct {
	source string
	errs   []error
}

// fail records a problem at n's line. format may wrap a cause with %w.
func (p *parser) fail(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &TableError{Source: p.source, Line: n.Line, Err: fmt.Errorf(format, args...)})
}

// check records err, if any, at n's line.
func (p *parser) check(n *yaml.Node, err error) {
	if err != nil {
		p.errs = append(p.errs, &TableError{Source: p.source, Line: n.Line, Err: err})
	}
}

// entry is one key of a mapping and its value.
type entry struct {
	key   string
	keyAt *yaml.Node
	value *yaml.Node
}

// mapping returns the entries of n, which must be a mapping; what labels
// n in messages. When known is not empty, keys must be among known. Keys
// that are unknown, repeated or not single values are recorded and left
// out.
func (p *parser) mapping(n *yaml.Node, what string, known ...string) []entry {
	want := "a mapping of " + strings.Join(known, ", ")
	if len(known) == 0 {
		want = "a mapping of subjects to their roles, such as {alice: [admin]}"
	}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s: want %s, got %s", what, want, describe(n))
		return nil
	}
	var entries []entry
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
			p.fail(k, "%s: a key is %s: want %s", what, describe(k), want)
		case len(known) > 0 && !slices.Contains(known, k.Value):
			p.fail(k, "%s: unknown key %q: want one of %s", what, k.Value, strings.Join(known, ", "))
		case seen[k.Value] > 0:
			p.fail(k, "%s: %q given twice (first at line %d)", what, k.Value, seen[k.Value])
		default:
			seen[k.Value] = k.Line
			entries = append(entries, entry{key: k.Value, keyAt: k, value: v})
		}
	}
	return entries
}

// scalar returns the text of n, which must be a single value; null is "".
// ok is false, and the problem recorded, when n is not a single value.
func (p *parser) scalar(n *yaml.Node, what string) (value string, ok bool) {
	n = resolve(n)
	switch {
	case n.Kind != yaml.ScalarNode:
		p.fail(n, "%s: want a single value, got %s", what, describe(n))
		return "", false
	case n.Tag == "!!null":
		return "", true
	}
	return n.Value, true
}

// list returns the items of n, which must be a sequence.
func (p *parser) list(n *yaml.Node, what, example string) []*yaml.Node {
	n = resolve(n)
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "%s: want a list, such as %s, got %s", what, example, describe(n))
		return nil
	}
	return n.Content
}

// table reads the top-level mapping.
func (p *parser) table(root *yaml.Node) Table {
	t := Table{Source: p.source}
	entries := p.mapping(root, "table", "name", "tenant", "at", "roles", "tenant_roles", "cases")
	var cases *yaml.Node
	for _, e := range entries {
		switch e.key {
		case "name":
			t.Name, _ = p.scalar(e.value, "name")
		case "tenant":
			t.Tenant, _ = p.scalar(e.value, "tenant")
			p.check(e.value, checkTenant(t.Tenant))
		case "at":
			if value, ok := p.scalar(e.value, "at"); ok {
				t.At = p.time(e.value, value)
			}
		case "roles":
			t.Roles = p.roles(e.value, "roles")
		case "tenant_roles":
			t.TenantRoles = p.tenantRoles(e.value)
		case "cases":
			cases = resolve(e.value)
			for _, item := range p.list(cases, "cases", "[{subject: bob, permission: posts:read, want: allow}]") {
				if c, ok := p.testCase(item); ok {
					t.Cases = append(t.Cases, c)
				}
			}
		}
	}
	switch {
	case cases == nil && root.Kind == yaml.MappingNode:
		p.fail(root, "cases: missing: a table needs at least one case")
	case cases != nil && cases.Kind == yaml.SequenceNode && len(cases.Content) == 0:
		p.fail(cases, "cases: empty: a table needs at least one case")
	}
	return t
}

// roles reads fixtures: subject to the list of roles it holds. what
// labels them in messages.
func (p *parser) roles(n *yaml.Node, what string) map[string][]string {
	roles := map[string][]string{}
	for _, e := range p.mapping(n, what) {
		p.check(e.keyAt, prefix(what, checkSubject(e.key)))
		held := []string{}
		for _, item := range p.list(e.value, what+": "+e.key, "[admin]") {
			role, ok := p.scalar(item, what+": "+e.key)
			switch err := validName(role); {
			case !ok:
			case err != nil:
				p.fail(item, "%s: %s: role: %w", what, e.key, err)
			case role == e.key:
				p.fail(item, "%s: %s: %w: %q cannot hold itself", what, e.key, authz.ErrCycle, role)
			default:
				held = append(held, role)
			}
		}
		roles[e.key] = held
	}
	return roles
}

// tenantRoles reads fixtures by tenant: tenant to subject to roles.
func (p *parser) tenantRoles(n *yaml.Node) map[string]map[string][]string {
	byTenant := map[string]map[string][]string{}
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.fail(n, "tenant_roles: want a mapping of tenants to their subjects' roles, such as {acme: {alice: [admin]}}, got %s",
			describe(n))
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		tenant, ok := p.scalar(k, "tenant_roles")
		if !ok {
			continue
		}
		if _, seen := byTenant[tenant]; seen {
			p.fail(k, "tenant_roles: %q given twice", tenant)
			continue
		}
		p.check(k, prefix("tenant_roles", checkRuleTenant(tenant)))
		byTenant[tenant] = p.roles(n.Content[i+1], "tenant_roles: "+tenant)
	}
	return byTenant
}

// testCase reads one case; ok is false when it has a problem.
func (p *parser) testCase(n *yaml.Node) (c Case, ok bool) {
	before := len(p.errs)
	c = Case{Source: p.source, Line: n.Line}
	given := map[string]*yaml.Node{}
	wantOK := false // want is allow or deny, so a rule can be checked against it
	for _, e := range p.mapping(n, "case", "name", "subject", "tenant", "permission", "id", "owner", "at", "want", "rule", "relation") {
		given[e.key] = e.value
		value, ok := p.scalar(e.value, e.key)
		if !ok {
			continue
		}
		switch e.key {
		case "name":
			c.Name = value
		case "subject":
			c.Subject = value
			p.check(e.value, checkSubject(value))
		case "permission":
			c.Permission = permissions.Permission(value)
			p.check(e.value, checkPermission(c.Permission))
		case "id":
			c.ID = value
		case "owner":
			c.Owner = value
		case "at":
			c.At = p.time(e.value, value)
		case "tenant":
			c.Tenant = value
			p.check(e.value, checkTenant(value))
		case "want":
			switch value {
			case "allow":
				c.Allow, wantOK = true, true
			case "deny":
				wantOK = true
			default:
				p.fail(e.value, "want: %q: use allow or deny", value)
			}
		case "rule":
			c.Rule = value
		case "relation":
			c.Relation = value
		}
	}
	if resolve(n).Kind != yaml.MappingNode {
		return c, false
	}
	if given["subject"] == nil {
		p.check(n, checkSubject(""))
	}
	if given["permission"] == nil {
		p.check(n, checkPermission(""))
	}
	if given["want"] == nil {
		p.fail(n, "want: missing: use allow or deny")
	}
	if rule := given["rule"]; rule != nil {
		if wantOK {
			p.check(rule, checkRule(c.Rule, c.Allow))
		} else {
			_, err := parseRule(c.Rule)
			p.check(rule, err)
		}
	}
	if id := given["id"]; id != nil {
		p.check(id, checkID(c.ID, c.Permission))
	}
	if relation := given["relation"]; relation != nil {
		p.check(relation, checkRelation(c.Relation, c.Rule, c.ID))
	}
	return c, len(p.errs) == before
}

// time reads the value of n, an instant in RFC 3339 ("2026-12-04T12:00:00Z"),
// recording a problem, and returning the zero time, when it is not one.
func (p *parser) time(n *yaml.Node, value string) time.Time {
	t, err := time.Parse(time.RFC3339, value)
	if err != nil || t.IsZero() {
		p.fail(n, "at: %q: want an instant in RFC 3339, such as %q", value, "2026-12-04T12:00:00Z")
		return time.Time{}
	}
	return t
}

// prefix puts what before err's text, or returns nil.
func prefix(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}

// describe names the kind of n for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "nothing"
}
