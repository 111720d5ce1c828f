package authz_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/authz"
)

// ScanPolicy and ParsePolicy read any text without a panic and agree:
// ParsePolicy fails exactly when a scanned line has an error, with that
// first line's *PolicyError, and otherwise holds the scanned rules once
// each, in order. Every scanned line is one rule line of the text, named
// by its number, and is exactly one of a valid Grant, a valid Role or an
// error. An accepted policy's String parses back to the same policy.
func FuzzParsePolicy(f *testing.F) {
	for _, seed := range []string{
		"p, user, posts:read, own, allow\ng, moderator, user\n",
		"# comment\n\n  p, admin, posts:*, any, deny  \r\ng, bob, admin\n",
		"p, user, posts:read, own, allow\np, user, posts:read, own, allow\ng, a, b\ng, a, b",
		`p, "user", "posts:read", own, allow`,
		`p, "us,er", posts:read, own, allow`,
		`p, "us""er", posts:read, own, allow`,
		`p, "user, posts:read, own, allow`,
		"p, user, posts:read, own, allow, extra",
		"p, user, posts:read, all, allow",
		"p, user, posts:read, own, maybe",
		"g, admin, admin",
		"g, a",
		"q, a, b",
		"p,user,posts:read,own,allow",
		"p, us\u00a0er, posts:read, own, allow",
		"p, user\x00, posts:read, own, allow",
		"p, \xff, posts:read, own, allow",
		"g, \u2028a, b",
		"p, a\rb, posts:read, own, allow",
		"#p, a, b\n\tg, a, b\n p, a, x:y, any, allow",
		"", "\n\n", ",", "\"", "p", "g,,",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		const source = "fuzz.csv"
		lines := authz.ScanPolicy(source, text)
		written := strings.Split(text, "\n")
		var firstErr *authz.PolicyError
		var want authz.Policy
		grants, roles := map[authz.Grant]bool{}, map[authz.RoleAssignment]bool{}
		prev := 0
		for _, l := range lines {
			kinds := 0
			for _, set := range []bool{l.Grant != nil, l.Role != nil, l.Err != nil} {
				if set {
					kinds++
				}
			}
			switch {
			case l.Source != source || l.Line <= prev || l.Line > len(written):
				t.Fatalf("line %d (after %d) of %s in a text of %d lines", l.Line, prev, l.Source, len(written))
			case l.Text != strings.TrimSpace(written[l.Line-1]) || l.Text == "" || l.Text[0] == '#':
				t.Fatalf("line %d: text %q is not a rule line of %q", l.Line, l.Text, written[l.Line-1])
			case kinds != 1:
				t.Fatalf("line %d %q: grant %v, role %v, err %v", l.Line, l.Text, l.Grant, l.Role, l.Err)
			case l.Err != nil && (l.Err.Source != source || l.Err.Line != l.Line || l.Err.Text != l.Text):
				t.Fatalf("line %d: error names %s:%d %q", l.Line, l.Err.Source, l.Err.Line, l.Err.Text)
			case l.Grant != nil && l.Grant.Validate() != nil, l.Role != nil && l.Role.Validate() != nil:
				t.Fatalf("line %d %q: scanned a rule that does not validate", l.Line, l.Text)
			}
			prev = l.Line
			switch {
			case l.Err != nil && firstErr == nil:
				firstErr = l.Err
			case l.Grant != nil && !grants[*l.Grant]:
				grants[*l.Grant] = true
				want.Grants = append(want.Grants, *l.Grant)
			case l.Role != nil && !roles[*l.Role]:
				roles[*l.Role] = true
				want.Roles = append(want.Roles, *l.Role)
			}
		}

		p, err := authz.ParsePolicy(source, text)
		if firstErr != nil {
			var got *authz.PolicyError
			if !errors.As(err, &got) || !errors.Is(err, authz.ErrInvalidPolicy) ||
				got.Source != firstErr.Source || got.Line != firstErr.Line || got.Text != firstErr.Text {
				t.Fatalf("ParsePolicy: %v; ScanPolicy's first error is %v", err, firstErr)
			}
			return
		}
		if err != nil {
			t.Fatalf("ParsePolicy refused what ScanPolicy accepted: %v", err)
		}
		if !reflect.DeepEqual(p, want) {
			t.Fatalf("ParsePolicy gave %+v, ScanPolicy %+v", p, want)
		}
		back, err := authz.ParsePolicy(source, p.String())
		if err != nil || !reflect.DeepEqual(back, p) {
			t.Fatalf("String %q parsed back to %+v, %v; want %+v", p.String(), back, err, p)
		}
		for _, g := range p.Grants {
			if l := authz.ScanPolicy(source, g.String()); len(l) != 1 || l[0].Grant == nil || *l[0].Grant != g {
				t.Fatalf("grant line %q does not read back as %+v", g.String(), g)
			}
		}
		for _, a := range p.Roles {
			if l := authz.ScanPolicy(source, a.String()); len(l) != 1 || l[0].Role == nil || *l[0].Role != a {
				t.Fatalf("role line %q does not read back as %+v", a.String(), a)
			}
		}
	})
}
