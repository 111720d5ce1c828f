package authz

import (
	"encoding/csv"
	"fmt"
	"strings"
)

// ParsePolicy reads a policy in Casbin's CSV format, as policy.csv is
// written: one rule a line, "p, subject, permission, scope, effect" or
// "g, member, role"; blank lines and lines starting with '#' are skipped;
// a field may be quoted. Every line is validated; the first bad one is
// returned as a *PolicyError (matching ErrInvalidPolicy) naming source and
// line. A rule written twice is kept once, as Casbin does.
func ParsePolicy(source, text string) (Policy, error) {
	var p Policy
	seenGrants := map[Grant]bool{}
	seenRoles := map[RoleAssignment]bool{}
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fail := func(err error) (Policy, error) {
			return Policy{}, &PolicyError{Source: source, Line: i + 1, Text: line, Err: err}
		}
		fields, err := splitPolicyLine(line)
		if err != nil {
			return fail(err)
		}
		switch fields[0] {
		case "p":
			g, err := grantFromFields(fields[1:])
			if err != nil {
				return fail(err)
			}
			if !seenGrants[g] {
				seenGrants[g] = true
				p.Grants = append(p.Grants, g)
			}
		case "g":
			a, err := roleFromFields(fields[1:])
			if err != nil {
				return fail(err)
			}
			if !seenRoles[a] {
				seenRoles[a] = true
				p.Roles = append(p.Roles, a)
			}
		default:
			return fail(fmt.Errorf("unknown rule type %q: want \"p\" or \"g\"", fields[0]))
		}
	}
	return p, nil
}

// splitPolicyLine splits one line the way Casbin's file adapter does.
func splitPolicyLine(line string) ([]string, error) {
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
	if len(fields) != 4 {
		return Grant{}, fmt.Errorf("a grant has 4 values (subject, permission, scope, effect), got %d", len(fields))
	}
	g := grantFromRule(fields)
	if err := g.Validate(); err != nil {
		return Grant{}, err
	}
	return g, nil
}

// roleFromFields validates the values of a "g" line.
func roleFromFields(fields []string) (RoleAssignment, error) {
	if len(fields) != 2 {
		return RoleAssignment{}, fmt.Errorf("a role assignment has 2 values (member, role), got %d", len(fields))
	}
	a := RoleAssignment{Member: fields[0], Role: fields[1]}
	if err := a.Validate(); err != nil {
		return RoleAssignment{}, err
	}
	return a, nil
}
