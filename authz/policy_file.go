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
	// Lines are counted ahead, so that the lists grow once.
	p.Grants = make([]Grant, 0, strings.Count(text, "p,"))
	p.Roles = make([]RoleAssignment, 0, strings.Count(text, "g,"))
	seenGrants, seenRoles := newLineSet(cap(p.Grants)), newLineSet(cap(p.Roles))
	seenRelations := map[Relation]bool{}
	seenParents := map[ResourceParent]bool{}
	err := scanPolicy(source, text, func(l *scannedLine) error {
		if checkTenant != nil && l.err == nil && (l.kind == grantLine || l.kind == roleLine) {
			tenant := l.grant.Tenant
			if l.kind == roleLine {
				tenant = l.role.Tenant
			}
			if err := checkTenant(tenant); err != nil {
				return &PolicyError{Source: source, Line: l.line, Text: l.text, Err: err}
			}
		}
		switch {
		case l.err != nil:
			return l.err
		case l.kind == grantLine:
			if seenGrants.add(seenGrants.hashGrant(l.grant), len(p.Grants), func(i int) bool { return p.Grants[i] == l.grant }) {
				p.Grants = append(p.Grants, l.grant)
			}
		case l.kind == roleLine:
			if seenRoles.add(seenRoles.hashRole(l.role), len(p.Roles), func(i int) bool { return p.Roles[i] == l.role }) {
				p.Roles = append(p.Roles, l.role)
			}
		case l.kind == relationLine && !seenRelations[l.relation]:
			seenRelations[l.relation] = true
			p.Relations = append(p.Relations, l.relation)
		case l.kind == parentLine && !seenParents[l.parent]:
			seenParents[l.parent] = true
			p.Parents = append(p.Parents, l.parent)
		}
		return nil
	})
	if err != nil {
		return Policy{}, err
	}
	if len(p.Grants) == 0 {
		p.Grants = nil
	}
	if len(p.Roles) == 0 {
		p.Roles = nil
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
	_ = scanPolicy(source, text, func(l *scannedLine) error {
		out := PolicyLine{Source: source, Line: l.line, Text: l.text, Err: l.err}
		switch l.kind {
		case grantLine:
			g := l.grant
			out.Grant = &g
		case roleLine:
			a := l.role
			out.Role = &a
		case relationLine:
			r := l.relation
			out.Relation = &r
		case parentLine:
			link := l.parent
			out.Parent = &link
		}
		lines = append(lines, out)
		return nil
	})
	return lines
}

// The kinds of a scanned line.
const (
	badLine = iota
	grantLine
	roleLine
	relationLine
	parentLine
)

// scannedLine is one rule line of a policy as scanPolicy reads it: what
// it says, by value, as its kind says, or err.
type scannedLine struct {
	line     int
	text     string
	kind     int
	grant    Grant
	role     RoleAssignment
	relation Relation
	parent   ResourceParent
	err      *PolicyError
}

// scanPolicy calls each with every rule line of text in order, one
// scannedLine reused for all, until each returns an error, which it
// returns. It builds nothing for a line but what the line says: a policy
// of a million lines is read without a million objects.
func scanPolicy(source, text string, each func(*scannedLine) error) error {
	var l scannedLine
	var buf [maxPolicyFields]string
	for n := 1; text != ""; n++ {
		raw := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			raw, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		line := strings.TrimSpace(raw)
		if line == "" || line[0] == '#' {
			continue
		}
		l = scannedLine{line: n, text: line}
		fail := func(err error) {
			l.kind, l.err = badLine, &PolicyError{Source: source, Line: n, Text: line, Err: err}
		}
		fields, err := splitPolicyLine(line, &buf)
		switch {
		case err != nil:
			fail(err)
		case fields[0] == "p":
			if l.grant, err = grantFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.kind = grantLine
			}
		case fields[0] == "g":
			if l.role, err = roleFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.kind = roleLine
			}
		case fields[0] == "g2":
			if l.relation, err = relationFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.kind = relationLine
			}
		case fields[0] == "g3":
			if l.parent, err = parentFromFields(fields[1:]); err != nil {
				fail(err)
			} else {
				l.kind = parentLine
			}
		default:
			fail(fmt.Errorf("unknown rule type %q: want \"p\", \"g\", \"g2\" or \"g3\"", fields[0]))
		}
		if err := each(&l); err != nil {
			return err
		}
	}
	return nil
}

// maxPolicyFields is how many fields of a line splitPolicyLine splits
// without allocating: a grant with a tenant and an expiry has seven.
const maxPolicyFields = 8

// splitPolicyLine splits one line the way Casbin's file adapter does. A
// line without quotes, as nearly every policy line is, is split by hand:
// a CSV reader for each line of a million-line policy costs seconds.
func splitPolicyLine(line string, buf *[maxPolicyFields]string) ([]string, error) {
	if !strings.ContainsRune(line, '"') {
		fields := buf[:0]
		if strings.Count(line, ",") >= maxPolicyFields {
			fields = nil // too many for buf: append allocates
		}
		for {
			i := strings.IndexByte(line, ',')
			if i < 0 {
				return append(fields, strings.TrimLeftFunc(line, unicode.IsSpace)), nil
			}
			fields = append(fields, strings.TrimLeftFunc(line[:i], unicode.IsSpace))
			line = line[i+1:]
		}
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
