package permissions_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// permissionGrammar is the documented form: resource:action, each part of
// ASCII letters, digits, '_', '-' and '.', the action possibly the
// wildcard.
var permissionGrammar = regexp.MustCompile(`^([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+|\*)$`)

// Parse accepts exactly the strings of the documented grammar, up to
// MaxLength bytes, and returns them unchanged, with Resource and Action the
// parts either side of the colon; ParseRequest accepts the same less the
// wildcard. Validate and ValidateRequest agree with them, Covers follows
// from the parts, and every refusal matches ErrInvalidPermission.
func FuzzParsePermission(f *testing.F) {
	for _, seed := range []string{
		"posts:read", "posts:*", "billing.invoices:export-csv", "Reports_2:read", "*:read", "posts:**",
		"", ":", "posts", ":read", "posts:", "posts:read:all", "posts :read", "posts:read\n",
		"pöst:read", "posts:re\x00ad", "posts:\xff",
		"a234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567:b",
		"a234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567:bc",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := permissions.Parse(s)
		r, reqErr := permissions.ParseRequest(s)
		m := permissionGrammar.FindStringSubmatch(s)
		valid := m != nil && len(s) <= permissions.MaxLength
		for _, e := range []error{err, reqErr, permissions.Permission(s).Validate(), permissions.Permission(s).ValidateRequest()} {
			if e != nil && !errors.Is(e, permissions.ErrInvalidPermission) {
				t.Fatalf("%q: refused without ErrInvalidPermission: %v", s, e)
			}
		}
		switch {
		case (err == nil) != valid:
			t.Fatalf("Parse(%q): %v, but the grammar says valid=%v", s, err, valid)
		case (permissions.Permission(s).Validate() == nil) != valid:
			t.Fatalf("Validate(%q) disagrees with Parse", s)
		case (reqErr == nil) != (valid && m[2] != permissions.Wildcard):
			t.Fatalf("ParseRequest(%q): %v", s, reqErr)
		case (permissions.Permission(s).ValidateRequest() == nil) != (reqErr == nil):
			t.Fatalf("ValidateRequest(%q) disagrees with ParseRequest", s)
		case err != nil && p != "", reqErr != nil && r != "":
			t.Fatalf("%q: refused, yet returned %q, %q", s, p, r)
		}
		if err != nil {
			return
		}
		switch {
		case p.String() != s || (reqErr == nil && r.String() != s):
			t.Fatalf("%q parsed to %q", s, p)
		case p.Resource() != m[1] || p.Action() != m[2] || p.Resource()+":"+p.Action() != s:
			t.Fatalf("%q: resource %q, action %q", s, p.Resource(), p.Action())
		case p.IsWildcard() != (m[2] == permissions.Wildcard):
			t.Fatalf("%q: IsWildcard %v", s, p.IsWildcard())
		case !p.Covers(p):
			t.Fatalf("%q does not cover itself", s)
		case !permissions.Permission(p.Resource()+":"+permissions.Wildcard).Covers(p) && !p.IsWildcard():
			t.Fatalf("the wildcard of %q does not cover it", s)
		case p.IsWildcard() && p.Covers(permissions.Permission(p.Resource()+"x:read")):
			t.Fatalf("%q covers another resource", s)
		}
	})
}
