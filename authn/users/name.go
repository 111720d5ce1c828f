package users

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameLength is the longest display name, in characters.
const maxNameLength = 100

// normalizeName trims name and checks that it can be shown safely: 1 to 100
// characters of valid UTF-8 with no control characters, line or paragraph
// separators, or bidirectional overrides, which could forge line breaks in
// logs or reverse the text around a name where it is displayed.
func normalizeName(name string) (string, error) {
	trimmed := strings.TrimSpace(name)
	invalid := func(why string) (string, error) {
		return "", fmt.Errorf("users: %w: %s", ErrInvalidName, why)
	}
	if !utf8.ValidString(trimmed) {
		return invalid("not valid UTF-8")
	}
	switch n := utf8.RuneCountInString(trimmed); {
	case n == 0:
		return invalid("empty")
	case n > maxNameLength:
		return invalid(fmt.Sprintf("%d characters, at most %d", n, maxNameLength))
	}
	for _, r := range trimmed {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Bidi_Control) {
			return invalid(fmt.Sprintf("contains control character %U", r))
		}
	}
	return trimmed, nil
}
