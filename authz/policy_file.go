package authz

import (
	"encoding/csv"
	"fmt"
	"strings"
	"unicode"
)

// ParsePolicy reads a policy in Casbin's CSV format, as policy.csv is
// written: one rule a line, "p, subject, permission, scope, effect" or
// "g, member, role", or, for a model with tenants, "p, subject, tenant,
// permission, scope, effect" and "g, member, role, tenant"; relations
// "g2, subject, role, type:id", with "until" and an RFC 3339 time last if
// they expire, and parents "g3, type:id, type:id"; blank lines and lines
// starting with '#' are skipped;
// a field may be quoted. Every line is validated; the first bad one is
// returned as a *PolicyError (matching ErrInvalidPolicy) naming source and
// line. A rule written twice is kept once, as Casbin does.
func ParsePolicy(source, text string) (Policy, error) {
	return parsePolicy(source, text, nil)
}

// parsePolicy is ParsePolicy with each rule's tenant checked by
// checkTenant, when given, against a model.
func parsePolicy(source, text string, checkTenant func(string) error) (Policy, error) {
	var p Policy
	seenGrants := map[Grant]bool{}
	seenRoles := map[RoleAssignment]bool{}
	seenRelations := map[Relation]bool{}
	seenParents := map[ResourceParent]bool{}
	for _, l := range ScanPolicy(source, text) {
		if checkTenant != nil && l.Err == nil && (l.Grant != nil || l.Role != nil) {
			tenant := ""
			if l.Grant != nil {
				tenant = l.Grant.Tenant
			} else {
				tenant = l.Role.Tenant
			}
			if err := checkTenant(tenant); err != nil {
				return Policy{}, &PolicyError{Source: source, Line: l.Line, Text: l.Text, Err: err}
			}
		}
		switch {
		case l.Err != nil:
			return Policy{}, l.Err
		case l.Grant != nil && !seenGrants[*l.Grant]:
			seenGrants[*l.Grant] = true
			p.Grants = append(p.Grants, *l.Grant)
		case l.Role != nil && !seenRoles[*l.Role]:
			seenRoles[*l.Role] = true
			p.Roles = append(p.Roles, *l.Role)
		case l.Relation != nil && !seenRelations[*l.Relation]:
			seenRelations[*l.Relation] = true
			p.Relations = append(p.Relations, *l.Relation)
		case l.Parent != nil && !seenParents[*l.Parent]:
			seenParents[*l.Parent] = true
			p.Parents = append(p.Parents, *l.Parent)
		}
	}
	return p, nil
}

// PolicyLine is one rule line of a policy file, where it was written and
// what it says: a Grant for a "p" line, a Role for a "g" line, a Relation
// for a "g2" line, a Parent for a "g3" line, or Err for a line that does
// not parse. Tools that report on lines (lint, test
// coverage) read policies as PolicyLines.
type PolicyLine struct {
	Source   string
	Line     int    // 1-based
	Text     string // as written, without surrounding space
	Grant    *Grant
	Role     *RoleAssignment
	Relation *Relation
	Parent   *ResourceParent
	Err      *PolicyError
}

// ScanPolicy reads every rule line of text in order, duplicates included,
// and keeps going past bad lines, each returned with its Err. Blank lines
// and comments are skipped.
func ScanPolicy(source, text string) []PolicyLine {
	var lines []PolicyLine
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		l := PolicyLine{Source: source, Line: i + 1, Text: line}
		fail := func(err error) {
			l.Err = &PolicyError{Source: source, Line: i + 1, Text: line, Err: err}
		}
		fields, err := splitPolicyLine(line)
		switch {
		case err != nil:
			fail(err)
		case fields[0] == "p":
			if g, err := grantFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.Grant = &g
			}
		case fields[0] == "g":
			if a, err := roleFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.Role = &a
			}
		case fields[0] == "g2":
			if r, err := relationFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.Relation = &r
			}
		case fields[0] == "g3":
			if link, err := parentFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.Parent = &link
			}
		default:
			fail(fmt.Errorf("unknown rule type %q: want \"p\", \"g\", \"g2\" or \"g3\"", fields[0]))
		}
		lines = append(lines, l)
	}
	return lines
}

// splitPolicyLine splits one line the way Casbin's file adapter does. A
// line without quotes, as nearly every policy line is, is split by hand:
// a CSV reader for each line of a million-line policy costs seconds.
func splitPolicyLine(line string) ([]string, error) {
	if !strings.ContainsRune(line, '"') {
		fields := strings.Split(line, ",")
		for i, f := range fields {
			fields[i] = strings.TrimLeftFunc(f, unicode.IsSpace)
		}
		return fields, nil
	}
	r := csv.NewReader(strings.NewReader(line))
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = -1
	fields, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("malformed line: %w", err)
	}
	return fields, nil
}

// grantFromFields validates the values of a "p" line.
func grantFromFields(fields []string) (Grant, error) {
	fields, expires, ok := splitExpiry(fields)
	if !ok {
		_, err := parseExpiry(fields[len(fields)-1])
		return Grant{}, err
	}
	if len(fields) != 4 && len(fields) != 5 {
		return Grant{}, fmt.Errorf("a grant has 4 values (subject, permission, scope, effect), or 5 with a tenant (subject, tenant, permission, scope, effect), got %d", len(fields))
	}
	if len(fields) == 5 && fields[1] == "" {
		return Grant{}, fmt.Errorf("%w: empty tenant: write %q for every tenant", ErrInvalidTenant, AllTenants)
	}
	g := grantFromValues(fields)
	g.Expires = expires
	if err := g.Validate(); err != nil {
		return Grant{}, err
	}
	return g, nil
}

// roleFromFields validates the values of a "g" line.
func roleFromFields(fields []string) (RoleAssignment, error) {
	fields, expires, ok := splitExpiry(fields)
	if !ok {
		_, err := parseExpiry(fields[len(fields)-1])
		return RoleAssignment{}, err
	}
	if len(fields) != 2 && len(fields) != 3 {
		return RoleAssignment{}, fmt.Errorf("a role assignment has 2 values (member, role), or 3 with a tenant (member, role, tenant), got %d", len(fields))
	}
	if len(fields) == 3 && fields[2] == "" {
		return RoleAssignment{}, fmt.Errorf("%w: empty tenant: write %q for every tenant", ErrInvalidTenant, AllTenants)
	}
	a := roleFromValues(fields)
	a.Expires = expires
	if err := a.Validate(); err != nil {
		return RoleAssignment{}, err
	}
	return a, nil
}

// relationFromFields validates the values of a "g2" line.
func relationFromFields(fields []string) (Relation, error) {
	values, expires, ok := splitExpiry(fields)
	if !ok {
		_, err := parseExpiry(fields[len(fields)-1])
		return Relation{}, err
	}
	if len(values) != 3 {
		return Relation{}, fmt.Errorf("a relation has 3 values (subject, role, type:id), and its expiry last if it has one, got %d", len(values))
	}
	r := Relation{Subject: values[0], Role: values[1], Resource: values[2], Expires: expires}
	if err := r.Validate(); err != nil {
		return Relation{}, err
	}
	return r, nil
}

// parentFromFields validates the values of a "g3" line.
func parentFromFields(fields []string) (ResourceParent, error) {
	if len(fields) != 2 {
		return ResourceParent{}, fmt.Errorf("a parent line has 2 values (type:id of the resource, type:id of its parent), got %d", len(fields))
	}
	link := ParentFromRule(fields)
	if err := link.Validate(); err != nil {
		return ResourceParent{}, err
	}
	return link, nil
}
