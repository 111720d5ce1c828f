package authz

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// The one-pass check of ASCII names accepts exactly the ASCII names the
// full rules accept, so that it changes no answer, only the time taken.
func TestPlainNameAgreesWithTheRules(t *testing.T) {
	t.Parallel()
	var names []string
	for c := 0; c < utf8.RuneSelf; c++ {
		b := string(rune(c))
		names = append(names, b, "a"+b, b+"a", "a"+b+"a", b+b)
	}
	names = append(names, "", strings.Repeat("a", MaxNameLength), strings.Repeat("a", MaxNameLength+1), "user 1", " user", "user ")
	for _, name := range names {
		assert.Equal(t, checkName("subject", name) == nil, plainName(name), "%q", name)
	}
}

func FuzzPlainNameAgreesWithTheRules(f *testing.F) {
	for _, seed := range []string{"alice", "a,b", "user\x7f", " x", "x ", "é", "acme/eu"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if plainName(name) && checkName("subject", name) != nil {
			t.Fatalf("%q: accepted by the one-pass check, refused by the rules", name)
		}
		if isASCII(name) && checkName("subject", name) == nil && !plainName(name) {
			t.Fatalf("%q: an ASCII name the rules accept is sent the long way", name)
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
