package authz

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/benchworld"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// TestIndexMatchesCasbinAtAMillionLines is the differential test at the
// size the index is built for: a million lines of the benchmarks' world,
// a sample of requests decided by the index and by Casbin's Enforce on
// the same policy (which takes a third of a second each), reasons
// included, before and after edits to a base role that a tenth of the
// users inherit. The requests are drawn so that about half are allowed.
func TestIndexMatchesCasbinAtAMillionLines(t *testing.T) {
	switch {
	case testing.Short():
		t.Skip("a million lines take a minute and gigabytes; run without -short")
	case raceDetector:
		// Ten times slower; the index's goroutines are tested under the
		// race detector at small sizes, and .ci/run runs this test again
		// without it.
		t.Skip("a million lines take ten minutes under the race detector; run without -race")
	}
	const rules = 1000000
	text, users := benchworld.Policy(rules)
	e, err := New(contextBackground, WithPolicy(text))
	require.NoError(t, err)
	roles := max(rules/11, 40)
	rng := rand.New(rand.NewPCG(3, 5))
	// chain returns the roles user j holds, nearest first (see
	// benchworld.Policy).
	chain := func(j int) []int {
		leaf := 30 + j%(roles-30)
		dept := 10 + leaf%20
		return []int{leaf, dept, dept % 10}
	}
	grantOf := func(role int) permissions.Permission {
		return permissions.Permission(fmt.Sprintf("res%d:act%d", role%50, role%7))
	}
	sample := func(n int) []Request {
		out := make([]Request, n)
		for i := range out {
			j := rng.IntN(users)
			sub := fmt.Sprintf("user%d", j)
			perm := permissions.Permission(fmt.Sprintf("res%d:act%d", rng.IntN(50), rng.IntN(7)))
			if i%2 == 0 {
				c := chain(j)
				perm = grantOf(c[rng.IntN(len(c))])
			}
			owner := sub
			if rng.IntN(3) == 0 {
				owner = fmt.Sprintf("user%d", rng.IntN(users))
			}
			switch i % 16 {
			case 7:
				sub = "stranger"
			case 11:
				sub = fmt.Sprintf("role%d", rng.IntN(roles))
			}
			out[i] = Request{Subject: sub, Permission: perm, Resource: Resource{Owner: owner}}
		}
		return out
	}
	check := func(stage string) {
		t.Helper()
		allowed := 0
		for _, req := range sample(48) {
			fromIndex, err := e.Decide(contextBackground, req)
			require.NoError(t, err)
			fromCasbin, err := e.enforce(req)
			require.NoError(t, err)
			if fromIndex.Allowed != fromCasbin.Allowed || fromIndex.Rule != fromCasbin.Rule {
				t.Fatalf("%s: %+v\nindex:  %s\ncasbin: %s", stage, req, fromIndex.Reason(), fromCasbin.Reason())
			}
			if fromIndex.Allowed {
				allowed++
			}
		}
		require.Positive(t, allowed, "%s: the sample needs allowed requests", stage)
		t.Logf("%s: 48 requests, %d allowed, index and Casbin agreeing", stage, allowed)
	}
	check("as loaded")

	// A deny on the base role of a tenth of the users, and a role it
	// starts inheriting: closures of thousands of roles made again.
	deny := Grant{Subject: "role0", Permission: grantOf(30), Scope: permissions.Any, Effect: Deny}
	require.NoError(t, e.AddGrant(contextBackground, deny))
	require.NoError(t, e.AssignRole(contextBackground, "role0", "role1"))
	require.Empty(t, e.index.Load().sameClosures())
	check("after edits to a base role")
}
