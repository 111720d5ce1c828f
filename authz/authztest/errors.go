package authztest

import (
	"errors"
	"fmt"
)

// ErrInvalidTable reports a decision table that cannot be run as written:
// YAML that does not parse or does not have the table's shape, or a case
// with a missing or malformed field. The error is a *TableError naming the
// file and line, or several joined.
var ErrInvalidTable = errors.New("invalid decision table")

// TableError is one problem with a decision table, where it was written.
// It matches ErrInvalidTable and wraps the reason, so that errors.Is also
// finds the cause (permissions.ErrInvalidPermission, for example).
type TableError struct {
	// Source is the table's file name as given to Parse or LoadFile, or the
	// Source of a Go case; "" when unknown.
	Source string
	// Line is the 1-based line in Source, or 0 when the problem has no
	// single line (a Go case, a file that is not YAML).
	Line int
	// Err is the reason, starting with the key it concerns ("want: ...").
	Err error
}

// Error returns "source:line: reason", leaving out what is unknown.
func (e *TableError) Error() string {
	switch {
	case e.Source != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.Source, e.Line, e.Err)
	case e.Source != "":
		return fmt.Sprintf("%s: %v", e.Source, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return e.Err.Error()
}

// Unwrap returns the reason.
func (e *TableError) Unwrap() error { return e.Err }

// Is makes every TableError match ErrInvalidTable.
func (e *TableError) Is(target error) bool { return target == ErrInvalidTable }

// joinErrors returns nil, the only error, or all of them joined.
func joinErrors(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}
