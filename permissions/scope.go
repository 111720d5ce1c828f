package permissions

import "fmt"

// Scope limits the resources a grant applies to.
type Scope string

const (
	// Any makes a grant apply to every resource of the permission's type.
	Any Scope = "any"
	// Own makes a grant apply only to resources whose owner is the requesting
	// subject; a resource without an owner is never "own".
	Own Scope = "own"
)

// ParseScope returns s as a Scope, or an error matching ErrInvalidScope for
// anything but "any" and "own" (matched exactly: scopes are stored and
// compared as written).
func ParseScope(s string) (Scope, error) {
	sc := Scope(s)
	if err := sc.Validate(); err != nil {
		return "", err
	}
	return sc, nil
}

// Validate reports whether sc is Any or Own.
func (sc Scope) Validate() error {
	switch sc {
	case Any, Own:
		return nil
	}
	return fmt.Errorf("%w: %q: want %q or %q", ErrInvalidScope, string(sc), Any, Own)
}

// String returns sc as written.
func (sc Scope) String() string { return string(sc) }
