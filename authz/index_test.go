package authz

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// The index must answer exactly what Casbin's Enforce answers, reasons
// included, on the same model and policy. These tests generate policies
// with inheritance chains longer than Casbin follows, cycles, diamonds,
// denies, wildcards and both scopes, ask random questions both ways, and
// then keep asking while random edits change the policy under the index.

// vocabulary of the generated policies.
var (
	genResources = []string{"posts", "users", "docs"}
	genActions   = []string{"read", "write", "delete"}
)

// genPolicy writes a random policy in CSV, from rng.
func genPolicy(rng *rand.Rand, users, roles, grants, links int) string {
	var b strings.Builder
	name := func() string {
		if rng.IntN(3) == 0 {
			return fmt.Sprintf("u%d", rng.IntN(users))
		}
		return fmt.Sprintf("r%d", rng.IntN(roles))
	}
	for i := 0; i < grants; i++ {
		perm := genResources[rng.IntN(len(genResources))] + ":"
		if rng.IntN(5) == 0 {
			perm += "*"
		} else {
			perm += genActions[rng.IntN(len(genActions))]
		}
		scope, effect := "any", "allow"
		if rng.IntN(2) == 0 {
			scope = "own"
		}
		if rng.IntN(4) == 0 {
			effect = "deny"
		}
		fmt.Fprintf(&b, "p, %s, %s, %s, %s\n", name(), perm, scope, effect)
	}
	// A chain longer than Casbin follows, so the depth limit is exercised.
	for i := 0; i < roles-1 && i < 13; i++ {
		fmt.Fprintf(&b, "g, r%d, r%d\n", i, i+1)
	}
	for i := 0; i < links; i++ {
		member, role := name(), fmt.Sprintf("r%d", rng.IntN(roles))
		if member != role {
			fmt.Fprintf(&b, "g, %s, %s\n", member, role)
		}
	}
	return b.String()
}

// genRequest asks a random question about the generated names.
func genRequest(rng *rand.Rand, users, roles int) Request {
	var sub string
	switch rng.IntN(4) {
	case 0:
		sub = fmt.Sprintf("r%d", rng.IntN(roles))
	case 1:
		sub = "stranger"
	default:
		sub = fmt.Sprintf("u%d", rng.IntN(users))
	}
	perm := permissions.Permission(genResources[rng.IntN(len(genResources))] + ":" + genActions[rng.IntN(len(genActions))])
	owner := ""
	switch rng.IntN(3) {
	case 0:
		owner = sub
	case 1:
		owner = fmt.Sprintf("u%d", rng.IntN(users))
	}
	return Request{Subject: sub, Permission: perm, Resource: Resource{Owner: owner}}
}

// requireSameAnswers asks n random questions of both decision paths.
func requireSameAnswers(t testing.TB, e *Engine, rng *rand.Rand, users, roles, n int, context string) {
	t.Helper()
	for i := 0; i < n; i++ {
		req := genRequest(rng, users, roles)
		fromIndex, err := e.Decide(contextBackground, req)
		require.NoError(t, err)
		fromCasbin, err := e.enforce(req)
		require.NoError(t, err)
		if fromIndex.Allowed != fromCasbin.Allowed || fromIndex.Rule != fromCasbin.Rule {
			p, _ := e.Policy(contextBackground)
			t.Fatalf("%s: %+v\nindex:  %s\ncasbin: %s\npolicy:\n%s", context, req, fromIndex.Reason(), fromCasbin.Reason(), p)
		}
	}
}

var contextBackground = context.Background()

// randomEdit makes one random edit; refusals (a cycle, an absent rule) are
// part of the game and change nothing.
func randomEdit(e *Engine, rng *rand.Rand, users, roles int) {
	name := func() string {
		if rng.IntN(2) == 0 {
			return fmt.Sprintf("u%d", rng.IntN(users))
		}
		return fmt.Sprintf("r%d", rng.IntN(roles))
	}
	role := func() string { return fmt.Sprintf("r%d", rng.IntN(roles)) }
	g := Grant{
		Subject:    name(),
		Permission: permissions.Permission(genResources[rng.IntN(len(genResources))] + ":" + []string{"read", "write", "*"}[rng.IntN(3)]),
		Scope:      []permissions.Scope{permissions.Any, permissions.Own}[rng.IntN(2)],
		Effect:     []Effect{Allow, Allow, Deny}[rng.IntN(3)],
	}
	ctx := contextBackground
	switch rng.IntN(7) {
	case 0, 1:
		_ = e.AddGrant(ctx, g)
	case 2:
		p, _ := e.Policy(ctx)
		if len(p.Grants) > 0 {
			_ = e.RemoveGrant(ctx, p.Grants[rng.IntN(len(p.Grants))])
		}
	case 3:
		_ = e.AssignRole(ctx, name(), role())
	case 4:
		p, _ := e.Policy(ctx)
		if len(p.Roles) > 0 {
			a := p.Roles[rng.IntN(len(p.Roles))]
			_ = e.UnassignRole(ctx, a.Member, a.Role)
		}
	case 5:
		_ = e.SetRoles(ctx, fmt.Sprintf("u%d", rng.IntN(users)), []string{role(), role()})
	case 6:
		_ = e.RemoveSubject(ctx, name())
	}
}

// checkIndexAgainstCasbin runs one generated world.
func checkIndexAgainstCasbin(t testing.TB, seed uint64, users, roles, grants, links, questions, edits int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	e, err := New(contextBackground, WithPolicy(genPolicy(rng, users, roles, grants, links)))
	require.NoError(t, err)
	require.True(t, e.Indexed())
	requireSameAnswers(t, e, rng, users, roles, questions, fmt.Sprintf("seed %d, as loaded", seed))
	for i := 0; i < edits; i++ {
		randomEdit(e, rng, users, roles)
		if stale := e.index.Load().sameClosures() + e.index.Load().sameRoleMembers(); stale != "" {
			t.Fatalf("seed %d, after edit %d: %s", seed, i+1, stale)
		}
		requireSameAnswers(t, e, rng, users, roles, questions/10+1, fmt.Sprintf("seed %d, after edit %d", seed, i+1))
	}
}

func TestIndexMatchesCasbin(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 16; seed++ {
		checkIndexAgainstCasbin(t, seed, 12, 16, 60, 30, 200, 25)
	}
}

func TestIndexMatchesCasbinOnDenseRoleGraphs(t *testing.T) {
	t.Parallel()
	// Many links among few roles: cycles, diamonds and long detours.
	for seed := uint64(100); seed <= 103; seed++ {
		checkIndexAgainstCasbin(t, seed, 5, 14, 40, 80, 200, 15)
	}
}

func FuzzIndexMatchesCasbin(f *testing.F) {
	for _, seed := range []uint64{0, 1, 42, 1 << 40, 0xdeadbeef} {
		f.Add(seed, uint8(8), uint8(10), uint8(40), uint8(20))
	}
	f.Fuzz(func(t *testing.T, seed uint64, users, roles, grants, links uint8) {
		checkIndexAgainstCasbin(t, seed, int(users%20)+1, int(roles%20)+2, int(grants%80), int(links%60), 100, 10)
	})
}

func TestCustomMatcherIsNotIndexed(t *testing.T) {
	t.Parallel()
	spaced, err := New(contextBackground, WithModel(strings.Replace(defaultModelForTest(), "&& keyMatch", "&&   keyMatch", 1)))
	require.NoError(t, err)
	require.True(t, spaced.Indexed(), "spacing does not make another matcher")

	custom, err := New(contextBackground, WithModel(strings.Replace(defaultModelForTest(), "m = ", `m = r.sub == "root" || `, 1)))
	require.NoError(t, err)
	require.False(t, custom.Indexed(), "a matcher the index does not know is left to Casbin")
}
