// Package benchworld generates the policy gatehouse's benchmarks share, so
// that the figures of every package compare.
package benchworld

import (
	"fmt"
	"strings"
)

// Policy returns a policy of about rules lines in Casbin's CSV format,
// shaped like an application's at any size: 10 base roles, 20 department
// roles each inheriting a base role, and leaf roles each inheriting a
// department role; one grant per role (a third of them scoped own); and the
// users — most of the lines — each holding one leaf role, so every user's
// chain is user → leaf → department → base whatever the policy's size.
// Users are named user0 … user<users-1>; grants are on res0–res49 with
// actions act0–act6.
func Policy(rules int) (text string, users int) {
	roles := max(rules/11, 40)
	users = rules - 2*roles + 10
	var b strings.Builder
	for i := 0; i < roles; i++ {
		scope := "any"
		if i%3 == 0 {
			scope = "own"
		}
		fmt.Fprintf(&b, "p, role%d, res%d:act%d, %s, allow\n", i, i%50, i%7, scope)
	}
	for i := 10; i < 30; i++ {
		fmt.Fprintf(&b, "g, role%d, role%d\n", i, i%10)
	}
	for i := 30; i < roles; i++ {
		fmt.Fprintf(&b, "g, role%d, role%d\n", i, 10+i%20)
	}
	for j := 0; j < users; j++ {
		fmt.Fprintf(&b, "g, user%d, role%d\n", j, 30+j%(roles-30))
	}
	return b.String(), users
}
