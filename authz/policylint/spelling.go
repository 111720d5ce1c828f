package policylint

import (
	"fmt"
	"strings"

	"github.com/gatehouse-go/gatehouse/authz"
)

// spelling is the first way a name, resource or permission was written.
type spelling struct {
	text string
	at   *authz.PolicyLine
}

// checkCaseMismatch reports, at each rule, the names, resources and
// permissions that an earlier rule wrote with different letter case.
// Names of subjects and roles share one namespace, as they do in
// decisions. A permission is compared only when its resource is spelled
// consistently, and a role already reported as undefined (whose finding
// suggests the other spelling) is not compared, so one slip is reported
// once.
func (l *linter) checkCaseMismatch(undefined map[*authz.PolicyLine]bool) {
	first := map[string]spelling{} // kind + folded text -> first spelling
	for _, at := range l.rules {
		var problems []string
		check := func(kind, text string) bool {
			key := kind + "\x00" + strings.ToLower(text)
			s, ok := first[key]
			if !ok {
				first[key] = spelling{text, at}
				return true
			}
			if s.text == text {
				return true
			}
			problems = append(problems, fmt.Sprintf("%s %q differs only in case from %q on %s", kind, text, s.text, ref(at, s.at)))
			return false
		}
		if g := at.Grant; g != nil {
			check("name", g.Subject)
			if g.Tenant != "" {
				check("tenant", g.Tenant)
			}
			if check("resource", g.Permission.Resource()) {
				check("permission", string(g.Permission))
			}
		} else {
			check("name", at.Role.Member)
			if !undefined[at] {
				check("name", at.Role.Role)
			}
			if at.Role.Tenant != "" {
				check("tenant", at.Role.Tenant)
			}
		}
		if len(problems) > 0 {
			l.report(at, CheckCaseMismatch, "%s: %s; gatehouse compares them exactly, so they are two different things",
				at.Text, strings.Join(problems, "; "))
		}
	}
}
