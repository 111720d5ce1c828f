package token_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// bearerGrammar is RFC 6750 §2.1's credentials, with the one space
// ParseBearer documents between scheme and b64token.
var bearerGrammar = regexp.MustCompile(`^(?i:bearer) ([A-Za-z0-9._~+/-]+=*)$`)

// ParseBearer accepts exactly the headers of RFC 6750's grammar and returns
// their b64token unchanged. It refuses a header of another scheme — the
// text before the first space or tab is not "Bearer" in any case — with
// authn.ErrNoCredentials, and any other header with authn.ErrInvalidToken,
// never both. A token it returns, written back after "Bearer ", parses to
// itself.
func FuzzParseBearer(f *testing.F) {
	for _, seed := range []string{
		"Bearer abc.def.ghi", "bearer abc", "BEARER a-b_c~d+e/f==", "Bearer abc=def",
		"Bearer", "Bearer ", "Bearer  abc", "Bearer abc ", "Bearer\tabc", "Bearer abc def",
		"Bearer ===", "Bearer a\x00", "Bearer ab\xffc", "Basic Ym9iOnNlY3JldA==", "Bearerx abc",
		"", " ", "\tBearer abc", "Bearer\u00a0abc", "Bearer abc\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		tok, err := token.ParseBearer(header)
		m := bearerGrammar.FindStringSubmatch(header)
		scheme := header
		if end := strings.IndexAny(header, " \t"); end >= 0 {
			scheme = header[:end]
		}
		otherScheme := !strings.EqualFold(scheme, "Bearer")
		noCredentials, invalid := errors.Is(err, authn.ErrNoCredentials), errors.Is(err, authn.ErrInvalidToken)
		switch {
		case err == nil && m == nil:
			t.Fatalf("accepted %q, which is not a bearer credential", header)
		case err == nil && tok != m[1]:
			t.Fatalf("%q gave token %q, want %q", header, tok, m[1])
		case err != nil && m != nil:
			t.Fatalf("refused %q: %v", header, err)
		case err != nil && noCredentials == invalid:
			t.Fatalf("%q: want exactly one of ErrNoCredentials and ErrInvalidToken: %v", header, err)
		case err != nil && noCredentials != otherScheme:
			t.Fatalf("%q: scheme %q, other scheme %v, but error %v", header, scheme, otherScheme, err)
		}
		if err == nil {
			if again, err := token.ParseBearer("Bearer " + tok); err != nil || again != tok {
				t.Fatalf("token %q did not parse back: %q, %v", tok, again, err)
			}
		}
	})
}
