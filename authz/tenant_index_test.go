package authz

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Under the model with tenants the index must answer exactly what Casbin's
// Enforce answers on the shipped model (gatehouse.TenantModel), reasons
// included, where Casbin can express the policy: tenants without "/".
// Nested tenants, which Casbin cannot express, are held to a brute-force
// reading of the rules; so are flat ones, as a second reference.

// tenantWorld is the vocabulary of one generated policy.
type tenantWorld struct {
	users, roles int
	tenants      []string // the tenants rules and requests name
	nested       bool     // tenants include paths ("t0/a")
}

func newTenantWorld(rng *rand.Rand, users, roles, tenants int, nested bool) tenantWorld {
	w := tenantWorld{users: users, roles: roles, nested: nested}
	for i := 0; i < tenants; i++ {
		w.tenants = append(w.tenants, fmt.Sprintf("t%d", i))
	}
	if nested {
		for i := 0; i < tenants; i++ {
			child := fmt.Sprintf("%s/c%d", w.tenants[rng.IntN(len(w.tenants))], i)
			w.tenants = append(w.tenants, child)
			if rng.IntN(2) == 0 {
				w.tenants = append(w.tenants, child+"/g")
			}
		}
	}
	return w
}

func (w tenantWorld) name(rng *rand.Rand) string {
	if rng.IntN(3) == 0 {
		return fmt.Sprintf("u%d", rng.IntN(w.users))
	}
	return fmt.Sprintf("r%d", rng.IntN(w.roles))
}

// ruleTenant is a tenant for a rule: mostly one of the world's, sometimes
// every tenant.
func (w tenantWorld) ruleTenant(rng *rand.Rand) string {
	if rng.IntN(5) == 0 {
		return AllTenants
	}
	return w.tenants[rng.IntN(len(w.tenants))]
}

func (w tenantWorld) permission(rng *rand.Rand, wildcards bool) string {
	perm := genResources[rng.IntN(len(genResources))] + ":"
	if wildcards && rng.IntN(5) == 0 {
		return perm + "*"
	}
	return perm + genActions[rng.IntN(len(genActions))]
}

// policy writes a random policy in CSV.
func (w tenantWorld) policy(rng *rand.Rand, grants, links int) string {
	var b strings.Builder
	for i := 0; i < grants; i++ {
		scope, effect := "any", "allow"
		if rng.IntN(2) == 0 {
			scope = "own"
		}
		if rng.IntN(4) == 0 {
			effect = "deny"
		}
		fmt.Fprintf(&b, "p, %s, %s, %s, %s, %s\n", w.name(rng), w.ruleTenant(rng), w.permission(rng, true), scope, effect)
	}
	// A chain longer than Casbin follows, half in one tenant and half for
	// every tenant, so depth and the union of tenants are exercised.
	chainTenant := w.tenants[0]
	for i := 0; i < w.roles-1 && i < 13; i++ {
		t := chainTenant
		if i%2 == 1 {
			t = AllTenants
		}
		fmt.Fprintf(&b, "g, r%d, r%d, %s\n", i, i+1, t)
	}
	for i := 0; i < links; i++ {
		member, role := w.name(rng), fmt.Sprintf("r%d", rng.IntN(w.roles))
		if member != role {
			fmt.Fprintf(&b, "g, %s, %s, %s\n", member, role, w.ruleTenant(rng))
		}
	}
	return b.String()
}

// request asks a random question: in a tenant of the world, one nobody
// mentions, or at the platform's level.
func (w tenantWorld) request(rng *rand.Rand) Request {
	req := genRequest(rng, w.users, w.roles)
	switch n := rng.IntN(10); {
	case n == 0:
		req.Tenant = ""
	case n == 1:
		req.Tenant = "nowhere"
	default:
		req.Tenant = w.tenants[rng.IntN(len(w.tenants))]
	}
	return req
}

// casbinOracle is Casbin's own enforcer on a copy of a policy, with the
// shipped model as Casbin reads it: Casbin matches the tenants of role
// assignments with keyMatch, since the matcher has keyMatch(r.dom, p.dom).
func casbinOracle(t testing.TB, p Policy) *casbin.Enforcer {
	t.Helper()
	m, err := model.NewModelFromString(gatehouse.TenantModel())
	require.NoError(t, err)
	enforcer, err := casbin.NewEnforcer(m)
	require.NoError(t, err)
	if len(p.Grants) > 0 {
		_, err = enforcer.AddPolicies(grantRules(p.Grants))
		require.NoError(t, err)
	}
	if len(p.Roles) > 0 {
		_, err = enforcer.AddGroupingPolicies(roleRules(p.Roles))
		require.NoError(t, err)
	}
	return enforcer
}

// bruteForce decides req by reading every rule of p, as the model with
// tenants says, nested tenants included.
func bruteForce(p Policy, req Request) (bool, Grant) {
	visible := visibleTenants(true, req.Tenant, nil)
	holders := []string{req.Subject}
	for depth, level := 0, []string{req.Subject}; depth < MaxRoleDepth && len(level) > 0; depth++ {
		var next []string
		for _, a := range p.Roles {
			if slices.Contains(level, a.Member) && slices.Contains(visible, a.Tenant) && !slices.Contains(holders, a.Role) {
				holders = append(holders, a.Role)
				next = append(next, a.Role)
			}
		}
		level = next
	}
	var allow *Grant
	for i, g := range p.Grants {
		matches := slices.Contains(holders, g.Subject) && slices.Contains(visible, g.Tenant) &&
			(g.Permission == req.Permission || g.Permission.IsWildcard() && g.Permission.Resource() == req.Permission.Resource()) &&
			(g.Scope == permissions.Any || req.Resource.Owner != "" && req.Resource.Owner == req.Subject)
		switch {
		case !matches:
		case g.Effect == Deny:
			return false, g
		case allow == nil:
			allow = &p.Grants[i]
		}
	}
	if allow != nil {
		return true, *allow
	}
	return false, Grant{}
}

// requireTenantAnswers asks n random questions of the index and the
// references.
func requireTenantAnswers(t testing.TB, e *Engine, w tenantWorld, rng *rand.Rand, n int, context string) {
	t.Helper()
	p, err := e.Policy(contextBackground)
	require.NoError(t, err)
	var oracle *casbin.Enforcer
	if !w.nested {
		oracle = casbinOracle(t, p)
	}
	for i := 0; i < n; i++ {
		req := w.request(rng)
		fromIndex, err := e.Decide(contextBackground, req)
		require.NoError(t, err)
		refAllowed, refRule := bruteForce(p, req)
		casbinAllowed, casbinRule := refAllowed, refRule
		if oracle != nil {
			var explain []string
			casbinAllowed, explain, err = oracle.EnforceEx(req.Subject, req.Tenant, string(req.Permission), req.Resource.Owner)
			require.NoError(t, err)
			casbinRule = grantFromRule(explain)
		}
		if fromIndex.Allowed != casbinAllowed || fromIndex.Rule != casbinRule ||
			fromIndex.Allowed != refAllowed || fromIndex.Rule != refRule {
			t.Fatalf("%s: %+v\nindex:       %s\ncasbin:      %v %v\nbrute force: %v %v\npolicy:\n%s",
				context, req, fromIndex.Reason(), casbinAllowed, casbinRule, refAllowed, refRule, p)
		}
	}
}

// randomTenantEdit makes one random edit; refusals are part of the game.
func randomTenantEdit(e *Engine, w tenantWorld, rng *rand.Rand) {
	ctx := contextBackground
	role := func() string { return fmt.Sprintf("r%d", rng.IntN(w.roles)) }
	g := Grant{
		Subject:    w.name(rng),
		Tenant:     w.ruleTenant(rng),
		Permission: permissions.Permission(w.permission(rng, true)),
		Scope:      []permissions.Scope{permissions.Any, permissions.Own}[rng.IntN(2)],
		Effect:     []Effect{Allow, Allow, Deny}[rng.IntN(3)],
	}
	tenant := e.Tenant(w.ruleTenant(rng))
	switch rng.IntN(9) {
	case 0, 1:
		_ = e.AddGrant(ctx, g)
	case 2:
		p, _ := e.Policy(ctx)
		if len(p.Grants) > 0 {
			_ = e.RemoveGrant(ctx, p.Grants[rng.IntN(len(p.Grants))])
		}
	case 3:
		_ = tenant.AssignRole(ctx, w.name(rng), role())
	case 4:
		p, _ := e.Policy(ctx)
		if len(p.Roles) > 0 {
			a := p.Roles[rng.IntN(len(p.Roles))]
			_ = e.Tenant(a.Tenant).UnassignRole(ctx, a.Member, a.Role)
		}
	case 5:
		_ = tenant.SetRoles(ctx, fmt.Sprintf("u%d", rng.IntN(w.users)), []string{role(), role()})
	case 6:
		_ = e.RemoveSubject(ctx, w.name(rng))
	case 7:
		if rng.IntN(4) == 0 {
			_ = e.RemoveTenant(ctx, w.tenants[rng.IntN(len(w.tenants))])
		}
	case 8:
		_ = tenant.AddGrant(ctx, g)
	}
}

// checkTenantIndex runs one generated world: as loaded, then after each of
// edits random edits.
func checkTenantIndex(t testing.TB, seed uint64, w tenantWorld, grants, links, questions, edits int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	w = newTenantWorld(rng, w.users, w.roles, len(w.tenants), w.nested)
	e, err := New(contextBackground, WithModel(gatehouse.TenantModel()), WithPolicy(w.policy(rng, grants, links)))
	require.NoError(t, err)
	require.True(t, e.Indexed())
	requireTenantAnswers(t, e, w, rng, questions, fmt.Sprintf("seed %d, as loaded", seed))
	for i := 0; i < edits; i++ {
		randomTenantEdit(e, w, rng)
		if stale := e.index.Load().sameRoleMembers(); stale != "" {
			t.Fatalf("seed %d, after edit %d: %s", seed, i+1, stale)
		}
		requireTenantAnswers(t, e, w, rng, questions/10+1, fmt.Sprintf("seed %d, after edit %d", seed, i+1))
	}
}

// worldOf sizes a world; newTenantWorld names its tenants.
func worldOf(users, roles, tenants int, nested bool) tenantWorld {
	return tenantWorld{users: users, roles: roles, tenants: make([]string, tenants), nested: nested}
}

func TestTenantIndexMatchesCasbin(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 16; seed++ {
		checkTenantIndex(t, seed, worldOf(10, 14, 4, false), 80, 50, 200, 25)
	}
}

func TestTenantIndexMatchesCasbinOnDenseRoleGraphs(t *testing.T) {
	t.Parallel()
	for seed := uint64(100); seed <= 103; seed++ {
		checkTenantIndex(t, seed, worldOf(5, 12, 2, false), 60, 120, 200, 15)
	}
}

// Few roles with grants in many tenants each: a role's grants then span
// more tenants than a scan serves, and the index finds a tenant's through
// the role's table of tenants.
func TestTenantIndexMatchesCasbinAcrossManyTenants(t *testing.T) {
	t.Parallel()
	for seed := uint64(300); seed <= 307; seed++ {
		checkTenantIndex(t, seed, worldOf(12, 4, 40, false), 240, 60, 300, 30)
		checkTenantIndex(t, seed, worldOf(12, 4, 24, true), 240, 60, 300, 30)
	}
}

func TestNestedTenantsMatchTheReferences(t *testing.T) {
	t.Parallel()
	for seed := uint64(200); seed <= 215; seed++ {
		checkTenantIndex(t, seed, worldOf(10, 14, 3, true), 80, 50, 200, 25)
	}
}

func FuzzTenantIndexMatchesCasbin(f *testing.F) {
	for _, seed := range []uint64{0, 1, 42, 1 << 40, 0xdeadbeef} {
		f.Add(seed, uint8(8), uint8(10), uint8(3), uint8(60), uint8(40), false)
		f.Add(seed, uint8(6), uint8(12), uint8(2), uint8(50), uint8(50), true)
		f.Add(seed, uint8(10), uint8(3), uint8(30), uint8(99), uint8(30), false)
	}
	f.Fuzz(func(t *testing.T, seed uint64, users, roles, tenants, grants, links uint8, nested bool) {
		checkTenantIndex(t, seed, worldOf(int(users%20)+1, int(roles%20)+2, int(tenants%40)+1, nested),
			int(grants%100), int(links%80), 100, 10)
	})
}

// Under a model with tenants that the index does not serve, the engine's
// own Casbin enforcer decides, with Casbin's matching of tenants ("*" for
// every tenant, no nesting), and keeps deciding as the index does through
// edits that remove assignments made for every tenant.
func TestTenantCustomMatcherMatchesTheIndex(t *testing.T) {
	t.Parallel()
	customModel := strings.Replace(gatehouse.TenantModel(), "m = ", `m = r.sub == "root" || `, 1)
	for seed := uint64(300); seed <= 305; seed++ {
		rng := rand.New(rand.NewPCG(seed, seed))
		w := newTenantWorld(rng, 8, 10, 3, false)
		text := w.policy(rng, 60, 40)
		indexed, err := New(contextBackground, WithModel(gatehouse.TenantModel()), WithPolicy(text))
		require.NoError(t, err)
		custom, err := New(contextBackground, WithModel(customModel), WithPolicy(text))
		require.NoError(t, err)
		require.False(t, custom.Indexed())
		for round := 0; round < 10; round++ {
			for i := 0; i < 100; i++ {
				req := w.request(rng)
				a, err := indexed.Decide(contextBackground, req)
				require.NoError(t, err)
				b, err := custom.Decide(contextBackground, req)
				require.NoError(t, err)
				require.Equal(t, a.Allowed, b.Allowed, "seed %d, round %d: %+v", seed, round, req)
				require.Equal(t, a.Rule, b.Rule, "seed %d, round %d: %+v", seed, round, req)
			}
			// The same edits on both: two generators in step.
			editSeed := rng.Uint64()
			rngA, rngB := rand.New(rand.NewPCG(editSeed, 1)), rand.New(rand.NewPCG(editSeed, 1))
			for i := 0; i < 5; i++ {
				randomTenantEdit(indexed, w, rngA)
				randomTenantEdit(custom, w, rngB)
			}
			a, err := indexed.Policy(contextBackground)
			require.NoError(t, err)
			b, err := custom.Policy(contextBackground)
			require.NoError(t, err)
			require.Equal(t, a.String(), b.String())
		}
	}
}
