package authz

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxNameLength is the longest subject or role name accepted, in bytes. It
// matches the column width of Casbin's policy tables.
const MaxNameLength = 100

// validateName checks a subject or role name. Names are compared exactly, so
// the rules keep out what would be invisible or ambiguous: surrounding
// spaces, control characters, and the comma and quote that delimit policy
// files.
func validateName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidSubject, kind)
	}
	if len(name) > MaxNameLength {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidSubject, kind, MaxNameLength)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: %s %q is not valid UTF-8", ErrInvalidSubject, kind, name)
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return fmt.Errorf("%w: %s %q has surrounding spaces", ErrInvalidSubject, kind, name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || r == ',' || r == '"' {
			return fmt.Errorf("%w: %s %q contains %q", ErrInvalidSubject, kind, name, r)
		}
	}
	return nil
}
