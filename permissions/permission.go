package permissions

import (
	"fmt"
	"strings"
)

// Wildcard is the action that stands for every action on a resource, as in
// "posts:*". It may appear in grants, never in a request.
const Wildcard = "*"

// MaxLength is the longest permission accepted, in bytes. It matches the
// column width of Casbin's policy tables, so every valid permission can be
// persisted unchanged.
const MaxLength = 100

// Permission names an operation on a type of resource, written
// "resource:action". Both parts are made of ASCII letters, digits, '_', '-'
// and '.'; the action may instead be Wildcard in a grant.
//
// A Permission is a string so that constants and literals read naturally;
// a value converted from arbitrary text is not checked until Validate or
// ValidateRequest is called (authz calls them on every use).
type Permission string

// Parse returns s as a Permission, or an error matching ErrInvalidPermission
// that says what is wrong: empty parts, spaces, a missing or extra colon,
// characters outside the allowed set, or more than MaxLength bytes. A
// wildcard action ("posts:*") is accepted; use ParseRequest where one is not.
func Parse(s string) (Permission, error) {
	p := Permission(s)
	if err := p.Validate(); err != nil {
		return "", err
	}
	return p, nil
}

// ParseRequest is Parse for the permission of a request: the action must be a
// concrete one, since "may bob do posts:*" has no single answer.
func ParseRequest(s string) (Permission, error) {
	p := Permission(s)
	if err := p.ValidateRequest(); err != nil {
		return "", err
	}
	return p, nil
}

// MustParse is Parse for permissions written into a program; it panics on
// malformed input, so use it only with constants.
func MustParse(s string) Permission {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// Validate reports whether p is well formed, as a grant may hold it (a
// wildcard action is allowed).
func (p Permission) Validate() error {
	s := string(p)
	if s == "" {
		return fmt.Errorf("%w: empty", ErrInvalidPermission)
	}
	if len(s) > MaxLength {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidPermission, MaxLength)
	}
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return fmt.Errorf("%w: %q: want resource:action", ErrInvalidPermission, s)
	}
	resource, action := s[:colon], s[colon+1:]
	if strings.IndexByte(action, ':') >= 0 {
		return fmt.Errorf("%w: %q: more than one colon", ErrInvalidPermission, s)
	}
	if err := checkPart(s, "resource", resource); err != nil {
		return err
	}
	if action == Wildcard {
		return nil
	}
	return checkPart(s, "action", action)
}

// ValidateRequest is Validate for the permission of a request: it also
// refuses a wildcard action.
func (p Permission) ValidateRequest() error {
	if plainRequest(string(p)) {
		return nil
	}
	if err := p.Validate(); err != nil {
		return err
	}
	if p.IsWildcard() {
		return fmt.Errorf("%w: %q: a request names one action, not %q", ErrInvalidPermission, string(p), Wildcard)
	}
	return nil
}

// checkPart validates one side of the colon.
func checkPart(whole, name, part string) error {
	if part == "" {
		return fmt.Errorf("%w: %q: empty %s", ErrInvalidPermission, whole, name)
	}
	for i := 0; i < len(part); i++ {
		if !allowedByte(part[i]) {
			return fmt.Errorf("%w: %q: %s contains %q; use letters, digits, '_', '-' or '.'",
				ErrInvalidPermission, whole, name, rune(part[i]))
		}
	}
	return nil
}

// plainRequest reports, in one pass over s, whether s is a well-formed
// permission of a request: every request is checked, and nearly all are.
// The others take the slower checks that say what is wrong.
func plainRequest(s string) bool {
	if len(s) > MaxLength {
		return false
	}
	colon := -1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':' && colon < 0:
			colon = i
		case !allowedBytes[c]:
			return false
		}
	}
	return colon > 0 && colon < len(s)-1
}

// allowedBytes are the bytes allowedByte allows.
var allowedBytes = func() (t [256]bool) {
	for c := range t {
		t[c] = allowedByte(byte(c))
	}
	return t
}()

func allowedByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	case c == '_' || c == '-' || c == '.':
		return true
	}
	return false
}

// Resource is the part before the colon ("posts" in "posts:read"), or ""
// when p has no colon.
func (p Permission) Resource() string {
	resource, _, _ := strings.Cut(string(p), ":")
	return resource
}

// Action is the part after the colon ("read" in "posts:read"), or "" when p
// has no colon.
func (p Permission) Action() string {
	_, action, _ := strings.Cut(string(p), ":")
	return action
}

// IsWildcard reports whether p grants every action on its resource.
func (p Permission) IsWildcard() bool {
	return p.Action() == Wildcard
}

// Covers reports whether a grant of p applies to a request for q: they are
// equal, or p is the wildcard of q's resource. It does not validate either.
func (p Permission) Covers(q Permission) bool {
	if p == q {
		return true
	}
	return p.IsWildcard() && p.Resource() == q.Resource() && q.Action() != ""
}

// String returns p as written.
func (p Permission) String() string { return string(p) }
