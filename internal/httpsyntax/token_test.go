package httpsyntax_test

import (
	"testing"

	"github.com/gatehouse-go/gatehouse/internal/httpsyntax"
)

func TestIsToken(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"X-API-Key", "gatehouse_session", "a!#$%&'*+-.^_`|~"} {
		if !httpsyntax.IsToken(s) {
			t.Errorf("%q is a token", s)
		}
	}
	for _, s := range []string{"", "X API", "a:b", "a\nb", "é", "a=b", `"q"`} {
		if httpsyntax.IsToken(s) {
			t.Errorf("%q is not a token", s)
		}
	}
}
