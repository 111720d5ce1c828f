package users

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxNameLength is the longest display name, in characters.
const maxNameLength = 100

// maxNameInput bounds a name in bytes before it is looked at character by
// character: more than any name of 100 characters needs, combining marks
// included.
const maxNameInput = 4096

// Joiners that scripts need between letters (ZWNJ in Persian, ZWJ in Indic
// scripts) and emoji sequences need between emoji: the format characters a
// name may hold.
const (
	zeroWidthNonJoiner = '\u200c'
	zeroWidthJoiner    = '\u200d'
)

// normalizeName trims name, composes it (NFC, so that "e" and a combining
// acute accent is "é", as typed elsewhere), and checks that it can be shown
// safely: 1 to 100 characters of valid UTF-8, at least one of them a
// letter, digit, punctuation mark or symbol, with no control characters,
// line or paragraph separators, or bidirectional overrides, which could
// forge line breaks in logs or reverse the text around a name where it is
// displayed, and no characters that display as nothing (zero-width spaces,
// soft hyphens, tags, Hangul fillers and the other default-ignorable
// characters), which could hide text or make a name look blank.
//
// Unlike an email, a name is not folded by NFKC: names are not unique, so
// a look-alike gains nothing it could not get by copying the name, and
// compatibility folding would rewrite names people really have
// (superscripts, half-width katakana). For the same reason the joiners
// ZWJ and ZWNJ and the variation selectors, which scripts and emoji need,
// are kept.
func normalizeName(name string) (string, error) {
	trimmed := strings.TrimSpace(name)
	invalid := func(why string) (string, error) {
		return "", fmt.Errorf("users: %w: %s", ErrInvalidName, why)
	}
	switch {
	case len(trimmed) > maxNameInput:
		return invalid(fmt.Sprintf("longer than %d bytes", maxNameInput))
	case !utf8.ValidString(trimmed):
		return invalid("not valid UTF-8")
	}
	trimmed = norm.NFC.String(trimmed)
	switch n := utf8.RuneCountInString(trimmed); {
	case n == 0:
		return invalid("empty")
	case n > maxNameLength:
		return invalid(fmt.Sprintf("%d characters, at most %d", n, maxNameLength))
	}
	visible := false
	for _, r := range trimmed {
		switch {
		case unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Bidi_Control):
			return invalid(fmt.Sprintf("contains control character %U", r))
		case r == zeroWidthJoiner || r == zeroWidthNonJoiner:
		case unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point, unicode.Noncharacter_Code_Point):
			return invalid(fmt.Sprintf("contains invisible character %U", r))
		case unicode.In(r, unicode.L, unicode.N, unicode.P, unicode.S):
			visible = true
		}
	}
	if !visible {
		return invalid("no visible character")
	}
	return trimmed, nil
}
