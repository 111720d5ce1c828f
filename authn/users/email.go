package users

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Length limits of an email address in bytes (RFC 5321 §4.5.3.1 and its
// errata: a path holds at most 256 octets including the angle brackets).
const (
	maxEmailLength     = 254
	maxEmailLocalPart  = 64
	maxEmailDomainPart = 253
	// maxEmailInput bounds the input before it is normalized, so that
	// normalizing costs little whatever a client sends: four bytes for each
	// of the 254 it may fold into.
	maxEmailInput = 4 * maxEmailLength
)

// NormalizeEmail returns the form in which an email address is stored and
// compared: trimmed of surrounding spaces, folded by Unicode
// compatibility normalization (NFKC) and lowercased. It refuses, with an
// error matching ErrInvalidEmail, anything but a bare address of at most
// 254 bytes once normalized that net/mail parses as it stands: no display
// name, angle brackets, comments or quoted local parts; exactly one '@'; a
// local part of at most 64 bytes; and a domain that has a dot, is not an IP
// literal, and has no label starting or ending with '-'.
//
// NFKC folds characters that display like others into them, so that an
// address cannot pass for another it looks like: fullwidth
// "ａlice@example.com" and mathematical "𝐚lice@example.com" are
// "alice@example.com", and a decomposed "o" with a combining diaeresis is
// "ö". Characters that display as nothing, or move or hide the text around
// them, are refused rather than removed: format characters (zero-width
// spaces and joiners, soft hyphens, bidirectional marks, tags), control
// characters, line and paragraph separators, spaces other than ASCII's,
// variation selectors and the other default-ignorable characters (Hangul
// fillers, the combining grapheme joiner), and noncharacters. Lookups
// normalize the same way, so logging in as "ａlice@example.com" finds the
// account of "alice@example.com". Addresses stored before this
// normalization that it changes can no longer be found by email; see
// Directory.UsersWithUnnormalizedEmail.
//
// Lowercasing the local part is, strictly, not what RFC 5321 allows, but no
// mail provider in use distinguishes case there, and treating
// Bob@example.com and bob@example.com as different people would let one
// person hold two accounts, or impersonate another in a list of users.
// Addresses are not otherwise rewritten: "bob+news@example.com" stays its own
// account.
func NormalizeEmail(email string) (string, error) {
	invalid := func(why string) (string, error) {
		return "", fmt.Errorf("users: %w: %s", ErrInvalidEmail, why)
	}
	trimmed := strings.TrimSpace(email)
	switch {
	case len(trimmed) > maxEmailInput:
		return invalid(fmt.Sprintf("longer than %d bytes", maxEmailLength))
	case !utf8.ValidString(trimmed):
		// Checked first: normalizing would turn each invalid byte into
		// U+FFFD, and different inputs into one address.
		return invalid("not valid UTF-8")
	}
	// Lowercasing may undo a composition (İ becomes i and a combining dot),
	// so the result is normalized once more.
	normalized := norm.NFKC.String(strings.ToLower(norm.NFKC.String(trimmed)))
	if r, ok := invisible(normalized); ok {
		return invalid(fmt.Sprintf("contains the invisible or control character %U", r))
	}
	switch {
	case normalized == "":
		return invalid("empty")
	case len(normalized) > maxEmailLength:
		return invalid(fmt.Sprintf("longer than %d bytes", maxEmailLength))
	case strings.Count(normalized, "@") != 1:
		return invalid("must contain exactly one @")
	}
	addr, err := mail.ParseAddress(normalized)
	if err != nil || addr.Name != "" || addr.Address != normalized {
		return invalid("not a bare address such as name@example.com")
	}
	local, domain, _ := strings.Cut(normalized, "@")
	switch {
	case len(local) > maxEmailLocalPart:
		return invalid(fmt.Sprintf("part before @ longer than %d bytes", maxEmailLocalPart))
	case len(domain) > maxEmailDomainPart:
		return invalid(fmt.Sprintf("domain longer than %d bytes", maxEmailDomainPart))
	case strings.HasPrefix(domain, "["):
		return invalid("IP address literals are not accepted")
	case !strings.Contains(domain, "."):
		return invalid("domain must contain a dot")
	}
	for _, label := range strings.Split(domain, ".") {
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return invalid("domain label starts or ends with -")
		}
	}
	return normalized, nil
}

// invisible returns the first character of s that does not show as itself
// in an address, if any: a control or format character, a line or
// paragraph separator, a space other than ASCII's, a default-ignorable
// character or a noncharacter.
func invisible(s string) (rune, bool) {
	for _, r := range s {
		if r == ' ' {
			continue // refused where it matters, by the parser
		}
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Zs,
			unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point,
			unicode.Noncharacter_Code_Point) {
			return r, true
		}
	}
	return 0, false
}
