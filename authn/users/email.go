package users

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Length limits of an email address in bytes (RFC 5321 §4.5.3.1 and its
// errata: a path holds at most 256 octets including the angle brackets).
const (
	maxEmailLength     = 254
	maxEmailLocalPart  = 64
	maxEmailDomainPart = 253
)

// NormalizeEmail returns the form in which an email address is stored and
// compared: trimmed of surrounding spaces and lowercased. It refuses, with
// an error matching ErrInvalidEmail, anything but a bare address of at most
// 254 bytes that net/mail parses as it stands: no display name, angle
// brackets, comments or quoted local parts; exactly one '@'; a local part of
// at most 64 bytes; and a domain that has a dot, is not an IP literal, and
// has no label starting or ending with '-'.
//
// Lowercasing the local part is, strictly, not what RFC 5321 allows, but no
// mail provider in use distinguishes case there, and treating
// Bob@example.com and bob@example.com as different people would let one
// person hold two accounts, or impersonate another in a list of users.
// Addresses are not otherwise rewritten: "bob+news@example.com" stays its own
// account.
func NormalizeEmail(email string) (string, error) {
	normalized := strings.ToLower(strings.TrimSpace(email))
	invalid := func(why string) (string, error) {
		return "", fmt.Errorf("users: %w: %s", ErrInvalidEmail, why)
	}
	switch {
	case !utf8.ValidString(email):
		// Checked first: lowercasing would turn each invalid byte into
		// U+FFFD, and different inputs into one address.
		return invalid("not valid UTF-8")
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
