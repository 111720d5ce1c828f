package authz

import (
	"errors"
	"fmt"
)

// Errors returned by this package, matched with errors.Is. Returned errors
// wrap these sentinels and add what was wrong; errors from package
// permissions (ErrInvalidPermission, ErrInvalidScope) are wrapped as they are.
var (
	// ErrInvalidSubject reports an empty or malformed subject or role name.
	ErrInvalidSubject = errors.New("invalid subject")
	// ErrInvalidTenant reports a malformed tenant name, a tenant where the
	// model has none or none where it has them, or a tenant an engine
	// restricted to other tenants (WithTenants) does not hold.
	ErrInvalidTenant = errors.New("invalid tenant")
	// ErrInvalidEffect reports an effect other than "allow" or "deny".
	ErrInvalidEffect = errors.New("invalid effect")
	// ErrInvalidRequest reports a decision request that cannot be answered as
	// asked, such as a resource whose type is not the permission's.
	ErrInvalidRequest = errors.New("invalid request")
	// ErrInvalidResource reports a malformed resource name in a relation or
	// a parent line ("posts:42" is well formed) or a malformed resource id
	// in a request.
	ErrInvalidResource = errors.New("invalid resource")
	// ErrInvalidExpiry reports an expiry that does not parse, or a line
	// given an expiry that is already past.
	ErrInvalidExpiry = errors.New("invalid expiry")
	// ErrInvalidPolicy reports a policy line that gatehouse cannot interpret.
	// The error is a *PolicyError that names the line.
	ErrInvalidPolicy = errors.New("invalid policy")
	// ErrUnsupportedModel reports a Casbin model that does not have
	// gatehouse's shape (see New).
	ErrUnsupportedModel = errors.New("unsupported model")
	// ErrExists reports an edit that would add a rule the policy already has.
	ErrExists = errors.New("rule already exists")
	// ErrNotFound reports an edit that would remove a rule the policy does not
	// have.
	ErrNotFound = errors.New("rule not found")
	// ErrCycle reports a role assignment that would make a role inherit
	// itself, directly or through other roles.
	ErrCycle = errors.New("role inheritance cycle")
	// ErrTooDeep reports a role assignment that would make a chain of roles
	// longer than MaxRoleDepth.
	ErrTooDeep = errors.New("role chain too deep")
	// ErrUnavailable reports an engine that cannot vouch for its policy:
	// it follows peers' edits (WithNotifier) and its notifier or store does
	// not answer. Decisions fail with it, closed, until the engine has
	// caught up again.
	ErrUnavailable = errors.New("policy unavailable")
	// ErrStore reports a failure of the policy store. The edit that met it
	// changed nothing.
	ErrStore = errors.New("policy store")
	// ErrEngine reports a failure inside the policy engine while deciding.
	// The decision that met it is a denial.
	ErrEngine = errors.New("policy engine")
)

// PolicyError is a policy line that could not be loaded. It matches
// ErrInvalidPolicy and wraps the reason (for example
// permissions.ErrInvalidPermission).
type PolicyError struct {
	// Source names where the line came from: a file name, "policy" for text
	// given to WithPolicy, or the store's table name.
	Source string
	// Line is the 1-based line number in Source, or 0 when the line came from
	// a database row, which has no number.
	Line int
	// Text is the offending line as written.
	Text string
	// Err is the reason.
	Err error
}

// Error returns "source:line: reason (text)".
func (e *PolicyError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v: %s", e.Source, e.Line, e.Err, e.Text)
	}
	return fmt.Sprintf("%s: %v: %s", e.Source, e.Err, e.Text)
}

// Unwrap returns the reason.
func (e *PolicyError) Unwrap() error { return e.Err }

// Is makes every PolicyError match ErrInvalidPolicy.
func (e *PolicyError) Is(target error) bool { return target == ErrInvalidPolicy }
