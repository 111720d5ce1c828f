package authztest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Result is the outcome of one case.
type Result struct {
	// Case is the case checked.
	Case Case
	// Decision is the engine's answer; the zero Decision when the case was
	// not decided (Err says why).
	Decision authz.Decision
	// Err is why the case could not be decided: the case is malformed
	// (matching ErrInvalidTable) or the engine failed to decide.
	Err error
	// Passed is true when the case was decided as it expects: the answer,
	// and the deciding rule if the case names one.
	Passed bool
	// Problem says why the case failed, in one line: what was expected,
	// and what was decided with the decision's Reason. "" when it passed.
	Problem string
}

// String returns where the case was written, what it asks and its
// problem, the line Run reports for a failing case:
//
//	policy_test.yaml:20: bob posts:read owner alice: want deny with no rule matching, got allowed by rule "p, user, posts:read, any, allow"
//
// A named case is shown by name, followed by its request in parentheses.
// A passing case ends in "passed".
func (r Result) String() string {
	var b strings.Builder
	switch c := r.Case; {
	case c.Source != "" && c.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", c.Source, c.Line)
	case c.Source != "":
		b.WriteString(c.Source + ": ")
	}
	b.WriteString(r.Case.String())
	if r.Case.Name != "" {
		b.WriteString(" (" + r.Case.request() + ")")
	}
	if r.Passed {
		b.WriteString(": passed")
	} else {
		b.WriteString(": " + r.Problem)
	}
	return b.String()
}

// Report is the outcome of a table.
type Report struct {
	// Table is the table's Name, or its Source when it has none.
	Table string
	// Results holds one Result per case, in the table's order.
	Results []Result
	// Passed and Failed count Results.
	Passed, Failed int
}

// Evaluate assigns table's fixture roles on e and decides every case, as
// Run does, without a testing.TB: tools use it to report on a table. A
// case that fails is a Result, not an error; Evaluate returns an error only
// when ctx is done, when the table does not fit e's model — tenants under
// a model without them, fixture roles without a tenant under a model with
// them (*TableErrors naming the table and each case at fault, matching
// ErrInvalidTable) — or when a fixture cannot be applied (the error
// SetRoles returned, naming the subject), and then decides nothing.
//
// Cases that name no tenant are decided in the table's Tenant, and those
// that name no time at the table's At. A case with a time is decided with
// the Clock of WithClock set to it; a table with such a case and no clock
// is refused (a *TableError naming each case). Fixtures are assigned
// tenant by tenant and in the order of their subjects' names, and stay
// assigned after Evaluate returns.
func Evaluate(ctx context.Context, e *authz.Engine, table Table, opts ...Option) (Report, error) {
	cfg := newConfig(opts)
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	if err := checkModel(e, table); err != nil {
		return Report{}, err
	}
	if err := checkClock(cfg.clock, table); err != nil {
		return Report{}, err
	}
	if err := assignFixtures(ctx, e, table); err != nil {
		return Report{}, err
	}
	var before time.Time
	if cfg.clock != nil {
		before = cfg.clock.get()
		defer cfg.clock.Set(before)
	}
	report := Report{Table: table.title(), Results: make([]Result, 0, len(table.Cases))}
	for _, c := range table.Cases {
		if c.Source == "" {
			c.Source = table.Source
		}
		if c.Tenant == "" {
			c.Tenant = table.Tenant
		}
		if c.At.IsZero() {
			c.At = table.At
		}
		if cfg.clock != nil {
			cfg.clock.Set(before)
			if !c.At.IsZero() {
				cfg.clock.Set(c.At)
			}
		}
		r := evaluate(ctx, e, c)
		if r.Passed {
			report.Passed++
		} else {
			report.Failed++
		}
		report.Results = append(report.Results, r)
	}
	return report, nil
}

// checkModel refuses a table written for the other model: tenants where
// e has none, fixture roles in no tenant where e has them.
func checkModel(e *authz.Engine, table Table) error {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, &TableError{Source: table.Source, Line: line, Err: fmt.Errorf(format, args...)})
	}
	if e.Tenanted() {
		if len(table.Roles) > 0 && table.Tenant == "" {
			fail(0, "roles: the model has tenants: give the table's tenant, in which they are assigned, "+
				"or list them by tenant under tenant_roles")
		}
		for _, c := range table.Cases {
			if err := checkTenant(c.Tenant); err != nil {
				source := c.Source
				if source == "" {
					source = table.Source
				}
				errs = append(errs, &TableError{Source: source, Line: c.Line, Err: fmt.Errorf("%s: %w", c, err)})
			}
		}
		return joinErrors(errs)
	}
	const why = "the model has no tenants"
	if table.Tenant != "" {
		fail(0, "tenant: %q, but %s", table.Tenant, why)
	}
	if len(table.TenantRoles) > 0 {
		fail(0, "tenant_roles: %s", why)
	}
	for _, c := range table.Cases {
		if c.Tenant == "" {
			continue
		}
		source := c.Source
		if source == "" {
			source = table.Source
		}
		errs = append(errs, &TableError{Source: source, Line: c.Line, Err: fmt.Errorf("%s: tenant %q, but %s", c, c.Tenant, why)})
	}
	return joinErrors(errs)
}

// checkClock refuses a table with a case that names a time when the
// engine's clock is not one Evaluate can set.
func checkClock(clock *Clock, table Table) error {
	if clock != nil {
		return nil
	}
	const why = "the engine's clock cannot be set: build the engine with authz.WithClock(clock.Now) " +
		"for an authztest.Clock, and pass authztest.WithClock(clock)"
	if !table.At.IsZero() {
		return &TableError{Source: table.Source, Err: fmt.Errorf("at: %s, but %s", formatTime(table.At), why)}
	}
	var errs []error
	for _, c := range table.Cases {
		if c.At.IsZero() {
			continue
		}
		source := c.Source
		if source == "" {
			source = table.Source
		}
		errs = append(errs, &TableError{Source: source, Line: c.Line, Err: fmt.Errorf("%s: %s", c, why)})
	}
	return joinErrors(errs)
}

// assignFixtures gives each subject of the table's fixtures exactly the
// roles listed: those of Roles in the table's Tenant, then those of
// TenantRoles, tenant by tenant in the order of their names.
func assignFixtures(ctx context.Context, e *authz.Engine, table Table) error {
	where := table.Source
	if where == "" {
		where = table.Name
	}
	if err := assignIn(ctx, e.Tenant(table.Tenant), table.Roles); err != nil {
		return fmt.Errorf("%s: roles: %w", where, err)
	}
	tenants := make([]string, 0, len(table.TenantRoles))
	for tenant := range table.TenantRoles {
		tenants = append(tenants, tenant)
	}
	slices.Sort(tenants)
	for _, tenant := range tenants {
		if err := assignIn(ctx, e.Tenant(tenant), table.TenantRoles[tenant]); err != nil {
			return fmt.Errorf("%s: tenant_roles: %s: %w", where, tenant, err)
		}
	}
	return nil
}

// assignIn gives each subject of roles exactly the roles listed, in t.
func assignIn(ctx context.Context, t authz.Tenant, roles map[string][]string) error {
	subjects := make([]string, 0, len(roles))
	for subject := range roles {
		subjects = append(subjects, subject)
	}
	slices.Sort(subjects)
	for _, subject := range subjects {
		if err := t.SetRoles(ctx, subject, roles[subject]); err != nil {
			return fmt.Errorf("%s: %w", subject, err)
		}
	}
	return nil
}

// evaluate decides c and compares the decision with what c expects.
func evaluate(ctx context.Context, e *authz.Engine, c Case) Result {
	r := Result{Case: c}
	if err := c.Validate(); err != nil {
		r.Err = err
		r.Problem = "invalid case: " + strings.ReplaceAll(err.Error(), "\n", "; ")
		return r
	}
	d, err := e.Decide(ctx, c.Request())
	if err != nil {
		r.Err = err
		r.Problem = "no decision: " + err.Error()
		return r
	}
	r.Decision = d
	// Valid: c.Validate checked them.
	rule, _ := parseRule(c.Rule)
	relation, _ := parseRelation(c.Relation)
	if d.Allowed == c.Allow && (rule == nil || *rule == d.Rule) && (relation == nil || sameRelation(*relation, d.Relation)) {
		r.Passed = true
		return r
	}
	want := verdict(c.Allow)
	switch {
	case rule == nil:
	case *rule == authz.Grant{}:
		want += " with no rule matching"
	default:
		want += fmt.Sprintf(" by rule %q", rule.String())
	}
	switch {
	case relation == nil:
	case *relation == authz.Relation{}:
		want += " through no relation"
	default:
		want += fmt.Sprintf(" through relation %q", relation.String())
	}
	r.Problem = fmt.Sprintf("want %s, got %s", want, d.Reason())
	return r
}

// sameRelation reports whether a and b are one relation line, expiry
// included.
func sameRelation(a, b authz.Relation) bool {
	return a.Subject == b.Subject && a.Role == b.Role && a.Resource == b.Resource && a.Expires.Equal(b.Expires)
}

// verdict names an answer as a table writes it.
func verdict(allow bool) string {
	if allow {
		return "allow"
	}
	return "deny"
}
