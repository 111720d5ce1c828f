package policylint

import (
	"fmt"
	"slices"
)

// The ids of the checks, as Finding.Check holds them. They are stable:
// tools may filter or count findings by them. The package documentation
// describes each.
const (
	// CheckMalformed reports a line that does not parse.
	CheckMalformed = "malformed"
	// CheckDuplicate reports a rule written again.
	CheckDuplicate = "duplicate"
	// CheckUndefinedRole reports a role assigned or inherited that grants
	// nothing.
	CheckUndefinedRole = "undefined-role"
	// CheckCycle reports roles that inherit one another.
	CheckCycle = "cycle"
	// CheckTooDeep reports a chain of role assignments longer than
	// authz.MaxRoleDepth.
	CheckTooDeep = "too-deep"
	// CheckCancelled reports an allow that a deny always overrides.
	CheckCancelled = "cancelled"
	// CheckShadowed reports a rule that another rule of the same subject
	// makes redundant.
	CheckShadowed = "shadowed"
	// CheckCaseMismatch reports names or permissions that differ only in
	// letter case.
	CheckCaseMismatch = "case-mismatch"
	// CheckRoleEmptyInTenant reports a role assigned in a tenant where it
	// grants nothing.
	CheckRoleEmptyInTenant = "role-empty-in-tenant"
	// CheckMemberlessTenant reports a grant in a tenant nobody belongs to.
	CheckMemberlessTenant = "memberless-tenant"
	// CheckExpired reports a grant, role assignment or relation whose
	// expiry has passed.
	CheckExpired = "expired"
	// CheckExpiryConflict reports a rule written twice with different
	// expiries.
	CheckExpiryConflict = "expiry-conflict"
	// CheckUndefinedRelationRole reports a relation to a role that grants
	// nothing.
	CheckUndefinedRelationRole = "undefined-relation-role"
	// CheckRelationTypeMismatch reports a relation whose role grants
	// nothing on the resource's type, nor on what can be inside it.
	CheckRelationTypeMismatch = "relation-type-mismatch"
	// CheckParentConflict reports a resource given a second parent.
	CheckParentConflict = "parent-conflict"
	// CheckParentCycle reports resources inside one another.
	CheckParentCycle = "parent-cycle"
	// CheckParentTooDeep reports a chain of parents longer than
	// authz.MaxParentDepth.
	CheckParentTooDeep = "parent-too-deep"
)

// Checks returns the id of every check, in the order the package
// documentation describes them.
func Checks() []string {
	return []string{
		CheckMalformed, CheckDuplicate, CheckUndefinedRole, CheckCycle,
		CheckTooDeep, CheckCancelled, CheckShadowed, CheckCaseMismatch,
		CheckRoleEmptyInTenant, CheckMemberlessTenant, CheckExpired, CheckExpiryConflict,
		CheckUndefinedRelationRole, CheckRelationTypeMismatch, CheckParentConflict,
		CheckParentCycle, CheckParentTooDeep,
	}
}

// Severity says how much a finding matters.
type Severity string

const (
	// SeverityError marks a policy that does not load, or a rule in it that
	// does not do what it says.
	SeverityError Severity = "error"
	// SeverityWarning marks a policy that works as written but has a rule
	// that is redundant or probably not what was meant.
	SeverityWarning Severity = "warning"
)

// Finding is one problem, at one line.
type Finding struct {
	Source string // file name
	Line   int    // 1-based
	// Check is which check found it, a stable kebab-case id (listed in the
	// package documentation and as the Check constants).
	Check string
	// Message says what is wrong and, where it helps, what to do; it names
	// the other lines involved ("duplicate of line 4").
	Message string
}

// String returns f as a compiler would print it:
// "policy.csv:12: [duplicate] p, user, posts:read, own, allow is a duplicate of line 4".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: [%s] %s", f.Source, f.Line, f.Check, f.Message)
}

// Severity returns how much f matters, which follows from its check:
// malformed, cycle, too-deep, cancelled, expiry-conflict, parent-conflict,
// parent-cycle and parent-too-deep are errors, the others warnings.
func (f Finding) Severity() Severity {
	if slices.Contains([]string{
		CheckMalformed, CheckCycle, CheckTooDeep, CheckCancelled,
		CheckExpiryConflict, CheckParentConflict, CheckParentCycle, CheckParentTooDeep,
	}, f.Check) {
		return SeverityError
	}
	return SeverityWarning
}
