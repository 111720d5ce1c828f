package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The tenant cases. A store keeps the tenant of every line, as it keeps
// its other names, whatever model the engines on it have; a store that
// implements authz.TenantStore also loads the lines of some tenants only,
// and must find exactly those a filter over its whole policy finds.

// tenantGrant returns an allowing grant of subject in tenant.
func tenantGrant(subject, tenant, perm string) authz.Grant {
	g := grant(subject, perm)
	g.Tenant = tenant
	return g
}

// tenantRole returns a role assignment in tenant.
func tenantRole(member, r, tenant string) authz.RoleAssignment {
	return authz.RoleAssignment{Member: member, Role: r, Tenant: tenant}
}

// oddTenants are valid tenant names that stores must keep exactly: names
// that are wildcards, quotes or placeholders in SQL, names that differ
// only in case or only after a shared start, nested names, and names as
// long and as deep as names may be.
var oddTenants = []string{
	"acme", "Acme", "ACME", "acme/eu", "acme/eu/paris", "acme-corp", "acme0", "acmeX",
	"ac%e", "ac%e/x_y", "acm_", "a_me/eu", "%", "_",
	"o'brien; DROP TABLE casbin_rule; --", "100%_match\\", "$1 ? :name @var", "x' OR '1'='1",
	"日本/支社", "émoji 😀 org",
	strings.Repeat("t", authz.MaxNameLength),
	strings.Repeat("é", authz.MaxNameLength/2),
	strings.TrimSuffix(strings.Repeat("a/", authz.MaxTenantDepth), "/"),
}

// tenantPolicy is a policy with lines in every odd tenant and for every
// tenant, of both scopes and effects.
func tenantPolicy() authz.Policy {
	p := authz.Policy{
		Grants: []authz.Grant{
			tenantGrant("auditor", authz.AllTenants, "billing:read"),
			{Subject: "member", Tenant: authz.AllTenants, Permission: "posts:delete", Scope: permissions.Own, Effect: authz.Allow},
		},
		Roles: []authz.RoleAssignment{tenantRole("ops", "auditor", authz.AllTenants), tenantRole("admin", "member", authz.AllTenants)},
	}
	for i, tenant := range oddTenants {
		p.Grants = append(p.Grants, tenantGrant("admin", tenant, "users:*"),
			authz.Grant{Subject: "banned", Tenant: tenant, Permission: permissions.Permission(fmt.Sprintf("odd%d:write", i)),
				Scope: permissions.Any, Effect: authz.Deny})
		p.Roles = append(p.Roles, tenantRole("alice", "admin", tenant), tenantRole(fmt.Sprintf("member%d", i), "member", tenant))
	}
	return p
}

func testTenantLinesRoundTrip(t *testing.T, open Open) {
	require.NoError(t, authz.TenantFilter{Tenants: oddTenants}.Validate(), "the odd tenants are valid names")
	s := open(t)
	p := tenantPolicy()
	seed(t, s, p)
	requirePolicy(t, open(t), p, 1, "tenants come back exactly, in order")

	// One line in acme goes; Acme's, ACME's and acme/eu's stay.
	gone := tenantRole("alice", "admin", "acme")
	added := []authz.RoleAssignment{tenantRole("alice", "admin", "acme/eu/lyon"), tenantRole("alice", "viewer", "acme")}
	apply(t, s, authz.Change{RemoveRoles: []authz.RoleAssignment{gone}, AddRoles: added}, 1)
	p.Roles = append(removeLine(p.Roles, gone), added...)
	requirePolicy(t, open(t), p, 2, "lines differing only in their tenant are different lines")

	fresh := tenantGrant("fresh", "acme", "posts:read")
	for name, c := range map[string]authz.Change{
		"remove from another tenant":   {AddGrants: []authz.Grant{fresh}, RemoveGrants: []authz.Grant{tenantGrant("admin", "initech", "users:*")}},
		"remove in another case":       {AddGrants: []authz.Grant{fresh}, RemoveRoles: []authz.RoleAssignment{tenantRole("member0", "member", "Acme")}},
		"remove the parent's line":     {AddGrants: []authz.Grant{fresh}, RemoveRoles: []authz.RoleAssignment{tenantRole("alice", "admin", "acme")}},
		"remove every tenant's line":   {AddGrants: []authz.Grant{fresh}, RemoveRoles: []authz.RoleAssignment{tenantRole("alice", "admin", authz.AllTenants)}},
		"remove without the tenant":    {AddGrants: []authz.Grant{fresh}, RemoveRoles: []authz.RoleAssignment{role("ops", "auditor")}},
		"add a present tenant's grant": {AddGrants: []authz.Grant{fresh, tenantGrant("admin", "ac%e", "users:*")}},
		"add a present tenant's role":  {AddGrants: []authz.Grant{fresh}, AddRoles: []authz.RoleAssignment{tenantRole("ops", "auditor", authz.AllTenants)}},
	} {
		_, err := s.Apply(context.Background(), c, 2)
		require.ErrorIs(t, err, authz.ErrStale, name)
		requirePolicy(t, s, p, 2, "%s: the whole change is refused", name)
	}

	// A tenant's lines removed together, as Engine.RemoveTenant does.
	var c authz.Change
	for _, g := range p.Grants {
		if g.Tenant == "acme" || strings.HasPrefix(g.Tenant, "acme/") {
			c.RemoveGrants = append(c.RemoveGrants, g)
		}
	}
	for _, a := range p.Roles {
		if a.Tenant == "acme" || strings.HasPrefix(a.Tenant, "acme/") {
			c.RemoveRoles = append(c.RemoveRoles, a)
		}
	}
	require.NotEmpty(t, c.RemoveRoles)
	apply(t, s, c, 2)
	for _, g := range c.RemoveGrants {
		p.Grants = removeLine(p.Grants, g)
	}
	for _, a := range c.RemoveRoles {
		p.Roles = removeLine(p.Roles, a)
	}
	requirePolicy(t, open(t), p, 3, "acme and below are gone, acme-corp, Acme and every tenant's lines stay")
}

// tenantStore returns s as an authz.TenantStore, or skips the test.
func tenantStore(t *testing.T, s authz.Store) authz.TenantStore {
	t.Helper()
	ts, ok := s.(authz.TenantStore)
	if !ok {
		t.Skipf("%T is not an authz.TenantStore: engines restricted with authz.WithTenants read it whole and filter it", s)
	}
	return ts
}

// loadTenants calls LoadTenants and fails the test on error.
func loadTenants(t *testing.T, s authz.TenantStore, f authz.TenantFilter) (authz.Policy, int64) {
	t.Helper()
	p, rev, err := s.LoadTenants(context.Background(), f)
	require.NoError(t, err, "LoadTenants(%+v)", f)
	return p, rev
}

// only is the reference LoadTenants is held to: the lines of p whose
// tenant f matches, in p's order.
func only(p authz.Policy, f authz.TenantFilter) authz.Policy {
	var out authz.Policy
	for _, g := range p.Grants {
		if f.Match(g.Tenant) {
			out.Grants = append(out.Grants, g)
		}
	}
	for _, a := range p.Roles {
		if f.Match(a.Tenant) {
			out.Roles = append(out.Roles, a)
		}
	}
	return out
}

// requireLoadTenants asserts that s loads, for f, exactly the lines of
// whole that f matches, in order, at revision rev.
func requireLoadTenants(t *testing.T, s authz.TenantStore, f authz.TenantFilter, whole authz.Policy, rev int64, msgAndArgs ...any) authz.Policy {
	t.Helper()
	got, gotRev := loadTenants(t, s, f)
	want := only(whole, f)
	require.Equal(t, lines(want), lines(got), append([]any{"filter %+v: ", f}, msgAndArgs...)...)
	require.Equal(t, rev, gotRev, "the revision of the whole store")
	return got
}

// shardFilter is the filter of an engine restricted with
// authz.WithTenants(held...): the tenants held, the tenants above them and
// every tenant.
func shardFilter(held ...string) authz.TenantFilter {
	f := authz.TenantFilter{Tenants: held, Above: []string{authz.AllTenants}}
	for _, tenant := range held {
		for i := strings.LastIndexByte(tenant, '/'); i > 0; i = strings.LastIndexByte(tenant, '/') {
			tenant = tenant[:i]
			if !slices.Contains(f.Above, tenant) {
				f.Above = append(f.Above, tenant)
			}
		}
	}
	return f
}

// tenantWorld is the set of tenants the random tenant cases draw from:
// roots that share a start, that are SQL's wildcards or differ in case,
// each with tenants below it.
func tenantWorld() []string {
	roots := []string{"acme", "acme-corp", "acme0", "acmeX", "Acme", "ac%e", "acm_", "a_me", "o'brien", "globex", "日本", "%", "x' OR '1'='1"}
	var world []string
	for _, root := range roots {
		world = append(world, root, root+"/eu", root+"/eu/paris", root+"/us", root+"/x_y", root+"/eu0")
	}
	return world
}

func testLoadTenantsMatchesLoad(t *testing.T, open Open) {
	handles := []authz.TenantStore{tenantStore(t, open(t)), tenantStore(t, open(t)), tenantStore(t, open(t))}
	rng := rand.New(rand.NewPCG(17, 2026))
	world := tenantWorld()
	ruleTenants := append(slices.Clone(world), authz.AllTenants, authz.AllTenants)
	subjects := []string{"ann", "Ann", "bo", "cy", "o'neil"}
	perms := []string{"posts:read", "posts:write", "users:*"}
	randomGrant := func() authz.Grant {
		g := tenantGrant(subjects[rng.IntN(len(subjects))], ruleTenants[rng.IntN(len(ruleTenants))], perms[rng.IntN(len(perms))])
		if rng.IntN(3) == 0 {
			g.Scope = permissions.Own
		}
		if rng.IntN(4) == 0 {
			g.Effect = authz.Deny
		}
		return g
	}
	randomRole := func() authz.RoleAssignment {
		return tenantRole(subjects[rng.IntN(len(subjects))], []string{"admin", "member", "viewer"}[rng.IntN(3)],
			ruleTenants[rng.IntN(len(ruleTenants))])
	}
	// Relations and parents have no tenant: no filter selects them, and
	// LoadTenants reads past them.
	mix := lineMix{grant: randomGrant, role: randomRole}
	mix.relation, mix.parent, mix.expiries = relationMix(rng, subjects)

	var m model
	for len(m.grants) < 250 {
		if g := randomGrant(); !contains(m.grants, g) {
			m.grants = append(m.grants, g)
		}
	}
	for len(m.roles) < 250 {
		if a := randomRole(); !contains(m.roles, a) {
			m.roles = append(m.roles, a)
		}
	}
	seed(t, handles[0], m.policy())
	m.rev = 1

	randomFilter := func() authz.TenantFilter {
		held := func() []string {
			out := make([]string, 1+rng.IntN(3))
			for i := range out {
				out[i] = world[rng.IntN(len(world))]
			}
			return out
		}
		switch rng.IntN(6) {
		case 0:
			return authz.TenantFilter{Tenants: held()}
		case 1:
			return authz.TenantFilter{Above: append(held(), authz.AllTenants)}
		case 2:
			// Tenants nobody has rules in, and below a tenant held.
			return authz.TenantFilter{Tenants: []string{"initech", "acme/eu/paris/x", "ACME"}, Above: held()}
		case 3:
			f := shardFilter(held()...)
			f.Tenants = append(f.Tenants, f.Tenants[0]) // a tenant named twice
			return f
		default:
			return shardFilter(held()...)
		}
	}

	steps := 60
	if testing.Short() {
		steps = 15
	}
	selective := 0
	for step := 0; step < steps; step++ {
		s := handles[rng.IntN(len(handles))]
		var c authz.Change
		if rng.IntN(6) == 0 {
			// A tenant and those below it removed at once.
			tenant := world[rng.IntN(len(world))]
			below := authz.TenantFilter{Tenants: []string{tenant}}
			gone := only(m.policy(), below)
			c.RemoveGrants, c.RemoveRoles = gone.Grants, gone.Roles
		}
		m.randomEdits(rng, &c, 1+rng.IntN(6), mix)
		m.apply(c, apply(t, s, c, m.rev))

		reader := handles[rng.IntN(len(handles))]
		whole, wholeRev := load(t, reader)
		require.Equal(t, lines(m.policy()), lines(whole), "after step %d", step)
		require.Equal(t, m.rev, wholeRev)
		for range 3 {
			f := randomFilter()
			got := requireLoadTenants(t, reader, f, whole, m.rev, "after step %d", step)
			if n := len(got.Grants) + len(got.Roles); n > 0 && n < len(whole.Grants)+len(whole.Roles) {
				selective++
			}
		}
		requireLoadTenants(t, reader, authz.TenantFilter{}, whole, m.rev, "an empty filter selects nothing")
		requireLoadTenants(t, reader, authz.TenantFilter{Tenants: world, Above: []string{authz.AllTenants}}, whole, m.rev,
			"every tenant selects everything")
	}
	assert.Positive(t, selective, "some filters selected some lines and not others")
}

// malformedTenants are no tenant's names: a TenantStore refuses a filter
// that names one.
var malformedTenants = map[string]string{
	"empty":                      "",
	"leading space":              " acme",
	"trailing space":             "acme ",
	"an empty level":             "acme//eu",
	"a trailing slash":           "acme/",
	"a leading slash":            "/acme",
	"a level with spaces":        "acme/ eu",
	"every tenant below one":     "acme/*",
	"a wildcard in a name":       "ac*e",
	"NUL":                        "acme\x00",
	"a line break":               "acme\neu",
	"not UTF-8":                  "acme\xff",
	"a comma":                    "acme,globex",
	"a double quote":             `acme"`,
	"a zero-width space":         "ac\u200bme",
	"not NFKC":                   "e\u0301cole",
	"longer than a name":         strings.Repeat("t", authz.MaxNameLength+1),
	"deeper than MaxTenantDepth": strings.Repeat("a/", authz.MaxTenantDepth) + "a",
}

func testLoadTenantsRefusesMalformedNames(t *testing.T, open Open) {
	s := tenantStore(t, open(t))
	p := tenantPolicy()
	seed(t, s, p)
	refuse := func(name string, f authz.TenantFilter) {
		t.Helper()
		got, _, err := s.LoadTenants(context.Background(), f)
		require.ErrorIs(t, err, authz.ErrInvalidTenant, "%s: %+v", name, f)
		assert.Empty(t, lines(got), "%s: nothing is read", name)
		requirePolicy(t, s, p, 1, "%s: the store is unchanged", name)
	}
	for name, tenant := range malformedTenants {
		refuse(name+", held", authz.TenantFilter{Tenants: []string{tenant}})
		refuse(name+", above", authz.TenantFilter{Above: []string{tenant}})
		refuse(name+", among valid names", authz.TenantFilter{Tenants: []string{"acme", tenant}, Above: []string{authz.AllTenants}})
	}
	refuse("every tenant, held", authz.TenantFilter{Tenants: []string{authz.AllTenants}})
	// The same filters, their names valid, are read.
	requireLoadTenants(t, s, shardFilter("acme/eu"), p, 1)
}

func testTenantKeepsNoCallerMemory(t *testing.T, open Open) {
	s := open(t)
	seededTenant, addedTenant, removedTenant := []byte("volatile/seeded"), []byte("volatile/added"), []byte("volatile/seeded")
	seed(t, s, authz.Policy{
		Grants: []authz.Grant{tenantGrant("admin", volatile(seededTenant), "posts:read")},
		Roles: []authz.RoleAssignment{
			tenantRole("alice", "admin", volatile(seededTenant)),
			tenantRole("bob", "admin", volatile(seededTenant)),
		},
	})
	apply(t, s, authz.Change{
		RemoveRoles: []authz.RoleAssignment{tenantRole("bob", "admin", volatile(removedTenant))},
		AddGrants:   []authz.Grant{tenantGrant("admin", volatile(addedTenant), "posts:write")},
		AddRoles:    []authz.RoleAssignment{tenantRole("carol", "admin", volatile(addedTenant))},
	}, 1)
	want := authz.Policy{
		Grants: []authz.Grant{tenantGrant("admin", "volatile/seeded", "posts:read"), tenantGrant("admin", "volatile/added", "posts:write")},
		Roles:  []authz.RoleAssignment{tenantRole("alice", "admin", "volatile/seeded"), tenantRole("carol", "admin", "volatile/added")},
	}

	var loaded authz.Policy
	ts, isTenantStore := s.(authz.TenantStore)
	held, above := []byte("volatile/added"), []byte("volatile")
	if isTenantStore {
		loaded, _ = loadTenants(t, ts, authz.TenantFilter{Tenants: []string{volatile(held)}, Above: []string{volatile(above)}})
		require.Equal(t, lines(only(want, shardFilter("volatile/added"))), lines(loaded))
	}
	for _, buf := range [][]byte{seededTenant, addedTenant, removedTenant, held, above} {
		for i := range buf {
			buf[i] = 'Z'
		}
	}
	requirePolicy(t, s, want, 2, "the store kept copies of the tenants, not the caller's buffers")
	if !isTenantStore {
		return
	}
	assert.Equal(t, lines(only(want, shardFilter("volatile/added"))), lines(loaded),
		"what LoadTenants returned shares no memory with the filter")

	// What LoadTenants returns is the caller's: changing it changes nothing.
	loaded.Grants[0].Tenant = "mutated"
	loaded.Roles[0] = tenantRole("mutated", "mutated", "mutated")
	requireLoadTenants(t, ts, shardFilter("volatile/added"), want, 2, "LoadTenants hands out lines of the caller's own")
	requirePolicy(t, s, want, 2)
}

// shardTenants are the tenants the sharded engine of testShardedEngine
// holds.
var shardTenants = []string{"acme", "globex/eu"}

// tenantProbe are the requests, in the tenants the sharded engine holds
// and below them, on which both engines must agree.
func tenantProbe() []authz.Request {
	var out []authz.Request
	for _, subject := range []string{"alice", "bob", "carol", "ops", "admin", "nobody"} {
		for _, tenant := range []string{"acme", "acme/eu", "acme/eu/paris", "globex/eu", "globex/eu/x"} {
			for _, perm := range []permissions.Permission{"posts:read", "posts:delete", "users:invite", "billing:read"} {
				for _, owner := range []string{"", subject, "someone"} {
					out = append(out, authz.Request{Subject: subject, Tenant: tenant, Permission: perm, Resource: authz.Resource{Owner: owner}})
				}
			}
		}
	}
	return out
}

func testShardedEngine(t *testing.T, open Open) {
	ctx := context.Background()
	tenantModel := authz.WithModel(gatehouse.TenantModel())
	editor, err := authz.New(ctx, tenantModel, authz.WithStore(open(t)))
	require.NoError(t, err)
	base := `p, admin, *, posts:*, any, allow
p, admin, *, users:*, any, allow
p, member, *, posts:read, any, allow
p, member, *, posts:delete, own, allow
p, auditor, *, billing:read, any, allow
p, member, globex, billing:read, any, deny
g, ops, auditor, *
g, alice, admin, acme
g, bob, member, acme/eu
g, carol, member, globex
g, carol, admin, globex/eu/x
g, alice, member, acme-corp`
	policy, err := authz.ParsePolicy("base", base)
	require.NoError(t, err)
	require.NoError(t, editor.Import(ctx, policy))

	whole, err := authz.New(ctx, tenantModel, authz.WithStore(open(t)))
	require.NoError(t, err)
	shard, err := authz.New(ctx, tenantModel, authz.WithTenants(shardTenants...), authz.WithStore(open(t)))
	require.NoError(t, err)

	rng := rand.New(rand.NewPCG(5, 17))
	tenants := []string{"acme", "acme/eu", "acme/eu/paris", "acme-corp", "globex", "globex/eu", "globex/eu/x", "globex/us", authz.AllTenants}
	subjects := []string{"alice", "bob", "carol", "ops", "admin"}
	steps := 40
	if testing.Short() {
		steps = 12
	}
	for step := 0; step <= steps; step++ {
		if step > 0 {
			editShardedWorld(t, rng, editor, shard, tenants, subjects, step)
		}
		require.NoError(t, whole.Reload(ctx))
		require.NoError(t, shard.Reload(ctx))

		all, err := whole.Policy(ctx)
		require.NoError(t, err)
		held, err := shard.Policy(ctx)
		require.NoError(t, err)
		require.Equal(t, lines(only(all, shardFilter(shardTenants...))), lines(held),
			"step %d: the sharded engine holds its tenants' lines, those above them and every tenant's, in order", step)

		for _, req := range tenantProbe() {
			want, err := whole.Decide(ctx, req)
			require.NoError(t, err)
			got, err := shard.Decide(ctx, req)
			require.NoError(t, err)
			require.Equal(t, want, got, "step %d: %+v", step, req)
		}
		for _, subject := range subjects {
			for _, tenant := range []string{"acme", "acme/eu", "globex/eu", "globex/eu/x"} {
				want, err := whole.Tenant(tenant).IsMember(ctx, subject)
				require.NoError(t, err)
				got, err := shard.Tenant(tenant).IsMember(ctx, subject)
				require.NoError(t, err)
				require.Equal(t, want, got, "step %d: is %s a member of %s", step, subject, tenant)
				wantRoles, err := whole.Tenant(tenant).Roles(ctx, subject)
				require.NoError(t, err)
				gotRoles, err := shard.Tenant(tenant).Roles(ctx, subject)
				require.NoError(t, err)
				require.Equal(t, wantRoles, gotRoles, "step %d: %s's roles in %s", step, subject, tenant)
			}
		}
		for _, tenant := range []string{"globex", "globex/us", "acme-corp", "initech"} {
			_, err := shard.Decide(ctx, authz.Request{Subject: "alice", Tenant: tenant, Permission: "posts:read"})
			require.ErrorIs(t, err, authz.ErrInvalidTenant, "step %d: %s is not held", step, tenant)
		}
	}
}

// editShardedWorld makes one random edit: mostly through editor, in any
// tenant, sometimes through shard, in the tenants it holds.
func editShardedWorld(t *testing.T, rng *rand.Rand, editor, shard *authz.Engine, tenants, subjects []string, step int) {
	t.Helper()
	ctx := context.Background()
	e, tenant := editor, tenants[rng.IntN(len(tenants))]
	if rng.IntN(4) == 0 {
		e, tenant = shard, []string{"acme", "acme/eu/paris", "globex/eu", "globex/eu/x"}[rng.IntN(4)]
	}
	subject := subjects[rng.IntN(len(subjects))]
	role := []string{"admin", "member", "auditor"}[rng.IntN(3)]
	g := authz.Grant{Subject: role, Permission: []permissions.Permission{"posts:read", "users:invite", "billing:read"}[rng.IntN(3)],
		Scope: permissions.Any}
	if rng.IntN(3) == 0 {
		g.Effect = authz.Deny
	}
	var err error
	switch rng.IntN(6) {
	case 0, 1:
		err = e.Tenant(tenant).AssignRole(ctx, subject, role)
	case 2:
		err = e.Tenant(tenant).UnassignRole(ctx, subject, role)
	case 3:
		err = e.Tenant(tenant).AddGrant(ctx, g)
	case 4:
		err = e.Tenant(tenant).RemoveGrant(ctx, g)
	case 5:
		if tenant != authz.AllTenants {
			err = e.RemoveTenant(ctx, tenant)
		}
	}
	// The two engines edit one store; each reloads and plans again an edit
	// the other made stale, so the only refusals are those the policy
	// explains.
	if err != nil {
		require.True(t, errors.Is(err, authz.ErrExists) || errors.Is(err, authz.ErrNotFound) || errors.Is(err, authz.ErrCycle) ||
			errors.Is(err, authz.ErrTooDeep), "step %d: %v", step, err)
		require.NoError(t, e.Reload(ctx))
	}
}
