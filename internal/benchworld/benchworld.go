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

// TenantPolicy returns a policy with tenants of about rules lines, for the
// model with tenants, shaped like a multi-tenant application's: the roles
// and their hierarchy of Policy written once for every tenant ("*"), five
// grants of each tenant's own, a few platform operators, and users — most
// of the lines — each holding one leaf role in one tenant, every tenth in a
// second tenant too. Tenants are named tenant0 … tenant<tenants-1>; user j
// holds its role in tenant j%tenants, and the second in (j+1)%tenants.
func TenantPolicy(rules, tenants int) (text string, users int) {
	roles := max(rules/11, 40)
	if roles > 1000 {
		roles = 1000
	}
	own := 5 * tenants
	users = (rules - roles - (roles - 10) - own - 10) * 10 / 11
	var b strings.Builder
	for i := 0; i < roles; i++ {
		scope := "any"
		if i%3 == 0 {
			scope = "own"
		}
		fmt.Fprintf(&b, "p, role%d, *, res%d:act%d, %s, allow\n", i, i%50, i%7, scope)
	}
	fmt.Fprintf(&b, "p, suspended, *, res0:*, any, deny\n")
	fmt.Fprintf(&b, "p, operator, *, res1:*, any, allow\n")
	for t := 0; t < tenants; t++ {
		for k := 0; k < 5; k++ {
			fmt.Fprintf(&b, "p, role%d, tenant%d, res%d:act%d, any, allow\n", 30+(t+k)%(roles-30), t, (t+k)%50, (t*k)%7)
		}
	}
	for i := 10; i < 30; i++ {
		fmt.Fprintf(&b, "g, role%d, role%d, *\n", i, i%10)
	}
	for i := 30; i < roles; i++ {
		fmt.Fprintf(&b, "g, role%d, role%d, *\n", i, 10+i%20)
	}
	for k := 0; k < 8; k++ {
		fmt.Fprintf(&b, "g, ops%d, operator, *\n", k)
	}
	for j := 0; j < users; j++ {
		fmt.Fprintf(&b, "g, user%d, role%d, tenant%d\n", j, 30+j%(roles-30), j%tenants)
		if j%10 == 0 {
			fmt.Fprintf(&b, "g, user%d, role%d, tenant%d\n", j, 30+(j/10)%(roles-30), (j+1)%tenants)
		}
	}
	return b.String(), users
}
