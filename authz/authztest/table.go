package authztest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// NoRule is the Case.Rule that says no rule of the policy may match the
// case: it is denied by default, because nothing grants it.
const NoRule = "none"

// Case is one row: who, doing what, to whose resource, and the expected answer.
type Case struct {
	// Name labels the case in test output. Optional; String returns a name
	// made of the request when it is empty.
	Name string
	// Subject is who asks: a user id, or a role to ask about the role
	// itself. Required.
	Subject string
	// Permission is what they want to do, with a concrete action
	// ("posts:delete", not "posts:*"). Required.
	Permission permissions.Permission
	// Owner is who owns the resource acted on; "" for no particular
	// resource, or one nobody owns. Grants with scope own apply only when
	// Owner is Subject.
	Owner string
	// Allow is the expected answer.
	Allow bool
	// Rule, when set, is the policy line that must decide the case, written
	// as in the policy file ("p, admin, users:*, any, allow"), or NoRule
	// when no rule may match. "" leaves the deciding rule unchecked. Checking
	// it catches a case that gets the right answer for the wrong reason.
	Rule string
	// Source is where the case was written (a YAML file name), for
	// messages; "" for Go cases, whose messages then name the Table's
	// Source, if any.
	Source string
	// Line is the case's line in Source, 0 for Go cases.
	Line int
}

// String returns Name, or when it is empty the request the case makes:
// "bob posts:read owner alice", or "bob posts:write" with no owner.
func (c Case) String() string {
	if c.Name != "" {
		return c.Name
	}
	return c.request()
}

// request describes what the case asks, whatever its name.
func (c Case) request() string {
	s := c.Subject + " " + string(c.Permission)
	if c.Owner != "" {
		s += " owner " + c.Owner
	}
	return s
}

// Request returns the request the case asks the engine to decide.
func (c Case) Request() authz.Request {
	return authz.Request{
		Subject:    c.Subject,
		Permission: c.Permission,
		Resource:   authz.Resource{Owner: c.Owner},
	}
}

// Validate reports every problem with c that would stop it from being
// checked: a missing or malformed Subject or Permission, a Rule that is not
// a grant line or NoRule, or a Rule whose effect contradicts Allow. The
// errors are *TableErrors (matching ErrInvalidTable) naming c's Source and
// Line, joined when there are several.
func (c Case) Validate() error {
	var errs []error
	for _, err := range []error{checkSubject(c.Subject), checkPermission(c.Permission), checkRule(c.Rule, c.Allow)} {
		if err != nil {
			errs = append(errs, &TableError{Source: c.Source, Line: c.Line, Err: err})
		}
	}
	return joinErrors(errs)
}

// Table is a decision table: the roles its subjects hold (fixtures,
// assigned before the cases run) and its cases.
type Table struct {
	// Name labels the table in reports; Report.Table falls back to Source.
	Name string
	// Roles maps a subject to the roles it holds directly while the cases
	// run. Each entry is applied with Engine.SetRoles, so it replaces what
	// the subject held before; an empty list leaves it none. Fixtures are
	// test setup: they are not policy lines, and Cover does not count them.
	Roles map[string][]string
	// Cases are checked in order.
	Cases []Case
	// Source is the file the table was read from, for messages.
	Source string
}

// title names t in reports.
func (t Table) title() string {
	if t.Name != "" {
		return t.Name
	}
	return t.Source
}

// checkSubject requires a subject that a request may name.
func checkSubject(subject string) error {
	if subject == "" {
		return errors.New("subject: missing: who asks")
	}
	if err := validName(subject); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return nil
}

// validName checks a subject or role name by authz's rules, which authz
// applies where a rule holds the name: a grant to name checks it exactly as
// a request's subject is checked. The error matches authz.ErrInvalidSubject.
func validName(name string) error {
	probe := authz.Grant{Subject: name, Permission: "names:check", Scope: permissions.Any, Effect: authz.Allow}
	return probe.Validate()
}

// checkPermission requires a permission that a request may name: one
// action, no wildcard.
func checkPermission(p permissions.Permission) error {
	if p == "" {
		return errors.New("permission: missing: want resource:action")
	}
	if err := p.ValidateRequest(); err != nil {
		return fmt.Errorf("permission: %w", err)
	}
	return nil
}

// checkRule requires rule to be unset, NoRule, or a grant whose effect can
// give the answer allow.
func checkRule(rule string, allow bool) error {
	g, err := parseRule(rule)
	if err != nil || g == nil {
		return err
	}
	switch {
	case allow && g.Effect == authz.Deny:
		return fmt.Errorf("rule: %q denies, so it cannot decide a case that wants allow", rule)
	case !allow && g.Effect == authz.Allow:
		return fmt.Errorf("rule: %q allows, so it cannot decide a case that wants deny", rule)
	}
	return nil
}

// parseRule reads a Case.Rule: nil for "" (nothing to check), the zero
// Grant for NoRule (what Decision.Rule holds when no rule matched), and
// otherwise the grant written.
func parseRule(rule string) (*authz.Grant, error) {
	switch rule {
	case "":
		return nil, nil
	case NoRule:
		return &authz.Grant{}, nil
	}
	lines := authz.ScanPolicy("rule", rule)
	kind, _, _ := strings.Cut(rule, ",")
	if len(lines) != 1 || strings.TrimSpace(kind) != "p" {
		return nil, fmt.Errorf("rule: %q: want a grant line %q, or %q", rule, "p, subject, permission, scope, effect", NoRule)
	}
	if l := lines[0]; l.Err != nil {
		return nil, fmt.Errorf("rule: %q: %w", rule, l.Err.Err)
	}
	return lines[0].Grant, nil
}
