package session

import (
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
)

// MaxMethodsLength bounds Record.Methods: eight methods of sixteen bytes
// and their separators, the most authn.ValidAMR accepts. gormstore's
// methods column is this wide.
const MaxMethodsLength = 8*16 + 7

// joinMethods is methods as Record.Methods keeps them.
func joinMethods(methods []string) string { return strings.Join(methods, " ") }

// splitMethods is a Record's Methods as a list of its own; nil for "", and
// nil too for a value authn.ValidAMR refuses, which only a damaged or
// tampered store could hold: methods that cannot be read are unknown,
// never taken for a second factor.
func splitMethods(methods string) []string {
	if methods == "" {
		return nil
	}
	amr := strings.Split(methods, " ")
	if !authn.ValidAMR(amr) {
		return nil
	}
	return amr
}
