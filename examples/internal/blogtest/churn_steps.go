package blogtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// churnRounds is how many rounds of role and grant edits churnSteps makes.
const churnRounds = 60

// churnSteps edit the policy at runtime for many rounds — gina's roles set
// and reset, a deny on her id added and removed, users registered, given
// roles and deleted — with requests between them that make the server
// reuse its buffers (bodies near the limit and over it, lookups of missing
// posts with long ids). After each edit her next request obeys it; after
// every deletion no rule names the deleted user; the last step keeps the
// policy, which the restart must bring back unchanged (policyAfterRestart).
// A server that kept request memory it does not own (Fiber's buffers)
// turns roles into other roles here, or crashes.
func churnSteps() []step {
	rnd := rand.New(rand.NewPCG(9, 14))
	roleSets := [][]string{{"user"}, {"moderator"}, {"user", "moderator"}, {}, {"admin"}, {"user"}}
	steps := []step{
		{"register gina", "POST", "/auth/register", "", registration("gina", "Gina"), 201, "", saveID("gina.id")},
		do("gina logs in", login("gina", "gina")),
	}
	deny := grant{"{{gina.id}}", "posts:write", "any", "deny"}
	for round := 0; round < churnRounds; round++ {
		roles := roleSets[rnd.IntN(len(roleSets))]
		body := fmt.Sprintf(`{"roles":[%s]}`, quoted(roles))
		mayRead := slices.Contains(roles, "moderator") || slices.Contains(roles, "admin")
		mayWrite := len(roles) > 0
		n := fmt.Sprint(round)
		steps = append(steps,
			step{"round " + n + ": gina's roles become " + body, "PUT", "/admin/users/{{gina.id}}/roles", "alice", body, 200, "",
				rolesAre("gina", roles)},
			step{"round " + n + ": gina's list of users obeys them", "GET", "/admin/users", "gina", "", statusFor(mayRead, 200), "", nil},
			churnPost(rnd, n),
			step{"round " + n + ": a deny on gina's id", "POST", "/admin/policy/grants", "alice", deny.json(), 201, "", nil},
			step{"round " + n + ": gina may not write", "POST", "/posts", "gina", `{"title":"denied","body":"x"}`, 403, "forbidden", nil},
			churnLookup(rnd, n),
			step{"round " + n + ": the deny removed by id", "DELETE", "/admin/policy/grants", "alice", deny.json(), 204, "", nil},
			step{"round " + n + ": gina's write obeys her roles again", "POST", "/posts", "gina",
				`{"title":"round ` + n + `","body":"x"}`, statusFor(mayWrite, 201), "", nil},
		)
		if round%15 == 7 {
			user := "hank" + n
			steps = append(steps,
				step{"round " + n + ": register " + user, "POST", "/auth/register", "", registration(user, "Hank"), 201, "", saveID(user + ".id")},
				step{"round " + n + ": " + user + " becomes a moderator", "PUT", "/admin/users/{{" + user + ".id}}/roles", "alice",
					`{"roles":["moderator","user"]}`, 200, "", rolesAre(user, []string{"moderator", "user"})},
				churnPost(rnd, n+"b"),
				step{"round " + n + ": " + user + " deleted", "DELETE", "/admin/users/{{" + user + ".id}}", "alice", "", 204, "", nil},
				step{"round " + n + ": no rule names " + user, "GET", "/admin/policy", "alice", "", 200, "", namesNot(user)},
			)
		}
	}
	return append(steps,
		step{"the policy after the churn", "GET", "/admin/policy", "alice", "", 200, "", savePolicy("policy.before.restart")},
	)
}

// churnPost sends a body near the limit, or over it.
func churnPost(rnd *rand.Rand, n string) step {
	if rnd.IntN(3) == 0 {
		return step{"round " + n + ": a body over the limit", "POST", "/posts", "bob",
			`{"title":"t","body":"` + strings.Repeat("z", 1<<20+rnd.IntN(4096)) + `"}`, 413, "payload_too_large", nil}
	}
	return step{"round " + n + ": a large post", "POST", "/posts", "bob",
		`{"title":"churn","body":"` + strings.Repeat(string(rune('a'+rnd.IntN(26))), 200_000+rnd.IntN(400_000)) + `"}`, 201, "", nil}
}

// churnLookup looks up a post that does not exist, by a long id.
func churnLookup(rnd *rand.Rand, n string) step {
	return step{"round " + n + ": a missing post", "GET", "/posts/9" + strings.Repeat("0", 10+rnd.IntN(8)), "carol", "", 404, "not_found", nil}
}

func statusFor(allowed bool, status int) int {
	if allowed {
		return status
	}
	return 403
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ",")
}

// rolesAre checks the answer to PUT /admin/users/{id}/roles: user's id and
// exactly roles.
func rolesAre(user string, roles []string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		o := r.object(t)
		id, err := o.id("id")
		require.NoError(t, err)
		assert.Equal(t, w.idOf(t, user), id)
		got, err := o.strings("roles")
		require.NoError(t, err)
		assert.ElementsMatch(t, roles, got)
	}
}

// namesNot checks that no line of the policy names user's id.
func namesNot(user string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		assert.NotContains(t, string(r.body), w.idOf(t, user))
	}
}

// savePolicy keeps the policy's body under name.
func savePolicy(name string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		w.vars[name] = string(r.body)
	}
}

// policyAfterRestart checks that the policy read from the store after the
// restart is the one memory held before it.
func policyAfterRestart(name string) check {
	return func(t *testing.T, w *world, r *response) {
		t.Helper()
		before, ok := w.vars[name]
		require.True(t, ok, "no policy was saved before the restart")
		assert.JSONEq(t, before, string(r.body), "the store holds another policy than memory did")
	}
}
