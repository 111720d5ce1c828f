package authz

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxNameLength is the longest subject or role name accepted, in bytes. It
// matches the column width of Casbin's policy tables.
const MaxNameLength = 100

// validateName checks a subject or role name. Names are compared exactly, so
// the rules keep out what would be invisible or ambiguous: surrounding
// spaces, control characters, the comma and quote that delimit policy
// files, characters that display as nothing or as a line break (format
// characters such as the zero-width space and the soft hyphen, line and
// paragraph separators, variation selectors, spaces other than U+0020),
// and names not in Unicode normalization form NFKC, which another name
// would display like ("ｕser" and "user", "e" with a combining accent and
// "é").
func validateName(kind, name string) error {
	if plainName(name) && (len(name) < len(expiryPrefix) || name[:len(expiryPrefix)] != expiryPrefix) {
		return nil
	}
	return checkName(kind, name)
}

// checkName is validateName rune by rune, for every name.
func checkName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidSubject, kind)
	}
	if len(name) > MaxNameLength {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidSubject, kind, MaxNameLength)
	}
	if strings.HasPrefix(name, expiryPrefix) {
		return fmt.Errorf("%w: %s %q starts as a line's expiry does", ErrInvalidSubject, kind, name)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: %s %q is not valid UTF-8", ErrInvalidSubject, kind, name)
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return fmt.Errorf("%w: %s %q has surrounding spaces", ErrInvalidSubject, kind, name)
	}
	ascii := true
	for _, r := range name {
		if unicode.IsControl(r) || r == ',' || r == '"' || r >= utf8.RuneSelf && invisible(r) {
			return fmt.Errorf("%w: %s %q contains %q", ErrInvalidSubject, kind, name, r)
		}
		ascii = ascii && r < utf8.RuneSelf
	}
	// ASCII is its own NFKC form; decisions check every subject's name.
	if !ascii && !norm.NFKC.IsNormalString(name) {
		return fmt.Errorf("%w: %s %q is not in Unicode form NFKC; write %q", ErrInvalidSubject, kind, name,
			norm.NFKC.String(name))
	}
	return nil
}

// invisible reports whether r displays as nothing, or as a break, so that a
// name holding it looks like another name.
func invisible(r rune) bool {
	switch {
	case r == ' ':
		return false
	case unicode.In(r, unicode.Cf, unicode.Zs, unicode.Zl, unicode.Zp,
		unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point):
		return true
	}
	return false
}

// plainName reports whether name is a valid name of printable ASCII, as
// most are, in one pass over its bytes: decisions check every subject's
// name. A name it does not accept may still be valid; validateName then
// reads it rune by rune.
func plainName(name string) bool {
	if name == "" || len(name) > MaxNameLength || name[0] == ' ' || name[len(name)-1] == ' ' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < ' ' || c > '~' || c == ',' || c == '"' {
			return false
		}
	}
	return true
}
