// Package storetest is the conformance suite of authz.Store: the contract
// every policy store keeps, checked the same way for all of them. gatehouse
// runs it against authz.NewMemoryStore and against authz/gormstore on
// SQLite, PostgreSQL and MariaDB; run it against a store of your own:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			backend := newEmptyBackend(t) // a new database, or a new table
//			return func(t *testing.T) authz.Store {
//				return myStore(t, backend) // a new handle on the same data
//			}
//		})
//	}
//
// The suite checks seeding (once, never again, one winner among racing
// processes), loading (order, revision, a consistent state), applying
// (all or nothing, removals before additions, stale bases and mismatched
// lines refused with authz.ErrStale, exactly one winner among racing
// writers), a long random sequence of edits from several handles compared
// after every step with a model of the policy, names that must round-trip
// exactly, memory the store must not keep, and engines on the store whose
// memory must equal the store's. Stores that implement authz.SharedStore
// also have their Identity checked.
//
// Relations and resource parents ("g2" and "g3" lines) are kept as grants
// and role assignments are: in order, compared whole (a relation's expiry
// is part of its line, and comes back in UTC, to the second), refused
// with authz.ErrStale when a change removes one the store lacks or adds
// one it has, and drawn in the long random sequences. Engines on the
// store editing relations and parents, restarted midway, must hold the
// store's policy after every edit, and decide alike.
//
// Lines with tenants must round-trip as exactly as names do, nested
// tenants, lines for every tenant ("*") and names that are wildcards in
// SQL included. Stores that implement authz.TenantStore have LoadTenants
// held to a filter over their whole policy (authz.TenantFilter.Match) on
// a random world of many tenants, after every one of a sequence of random
// edits; they must refuse filters naming what is no tenant with
// authz.ErrInvalidTenant, and keep no memory of the filter. On every
// store, an engine restricted to some tenants (authz.WithTenants) must
// decide as an engine holding the whole policy, for requests in its
// tenants, after edits made through another engine.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
)

// Open returns a new handle on one backend's data: a store as another
// process opening the same database would have it. Handles opened by one
// Open share everything; the backends of two Fresh calls share nothing.
type Open func(t *testing.T) authz.Store

// Fresh returns the Open of a new, empty backend, never seeded.
type Fresh func(t *testing.T) Open

// Run runs the whole suite, each case on a backend of its own.
func Run(t *testing.T, fresh Fresh) {
	cases := []struct {
		name string
		run  func(t *testing.T, open Open)
	}{
		{"EmptyStore", testEmpty},
		{"SeedWritesOnce", testSeedWritesOnce},
		{"SeedWithNothingStillCounts", testSeedWithNothing},
		{"SeedLeavesWrittenStoresAlone", testSeedLeavesWrittenStores},
		{"EmptiedStoreIsNotSeededAgain", testEmptiedStaysEmpty},
		{"RacingSeedsHaveOneWinner", testRacingSeeds},
		{"LargeSeedKeepsOrder", testLargeSeed},
		{"ApplyRemovesThenAdds", testApplyOrder},
		{"StaleBaseChangesNothing", testStaleBase},
		{"MismatchedLinesChangeNothing", testMismatchedLines},
		{"RacingAppliesHaveOneWinner", testRacingApplies},
		{"NamesRoundTripExactly", testNamesRoundTrip},
		{"KeepsNoCallerMemory", testKeepsNoCallerMemory},
		{"LongSequenceMatchesModel", testLongSequence},
		{"EnginesAgreeWithStore", testEngines},
		{"RelationsRoundTrip", testRelationsRoundTrip},
		{"SeedCountsRelations", func(t *testing.T, open Open) { testSeedCountsRelations(t, open, fresh) }},
		{"ApplyRelations", testApplyRelations},
		{"MismatchedRelationsChangeNothing", testMismatchedRelations},
		{"RelationNamesRoundTrip", testRelationNamesRoundTrip},
		{"RelationsKeepNoCallerMemory", testRelationsKeepNoCallerMemory},
		{"LoadTenantsSkipsRelations", testLoadTenantsSkipsRelations},
		{"EnginesKeepRelationsWithStore", testEngineRelations},
		{"ExpiringLinesRoundTrip", testExpiringLinesRoundTrip},
		{"ApplyExpiringLines", testApplyExpiringLines},
		{"TenantLinesRoundTrip", testTenantLinesRoundTrip},
		{"TenantLinesKeepNoCallerMemory", testTenantKeepsNoCallerMemory},
		{"LoadTenantsMatchesLoad", testLoadTenantsMatchesLoad},
		{"LoadTenantsRefusesMalformedNames", testLoadTenantsRefusesMalformedNames},
		{"ShardedEngineAgreesWithWholeEngine", testShardedEngine},
		{"Identity", func(t *testing.T, open Open) { testIdentity(t, open, fresh) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, fresh(t)) })
	}
	t.Run("History", func(t *testing.T) { runAudit(t, fresh) })
}

// grant returns an allowing grant of subject.
func grant(subject, perm string) authz.Grant {
	return authz.Grant{Subject: subject, Permission: permissions.Permission(perm), Scope: permissions.Any, Effect: authz.Allow}
}

// role returns a role assignment.
func role(member, r string) authz.RoleAssignment {
	return authz.RoleAssignment{Member: member, Role: r}
}

// samplePolicy is a small policy with grants of both scopes and effects.
func samplePolicy() authz.Policy {
	return authz.Policy{
		Grants: []authz.Grant{
			grant("user", "posts:read"),
			{Subject: "user", Permission: "posts:update", Scope: permissions.Own, Effect: authz.Allow},
			{Subject: "banned", Permission: "posts:write", Scope: permissions.Any, Effect: authz.Deny},
			grant("admin", "users:delete"),
		},
		Roles: []authz.RoleAssignment{role("moderator", "user"), role("admin", "moderator"), role("bob", "user")},
	}
}

// load loads and fails the test on error.
func load(t *testing.T, s authz.Store) (authz.Policy, int64) {
	t.Helper()
	p, rev, err := s.Load(context.Background())
	require.NoError(t, err, "Load")
	return p, rev
}

// requirePolicy asserts that s holds want, in order, at revision rev.
func requirePolicy(t *testing.T, s authz.Store, want authz.Policy, rev int64, msgAndArgs ...any) {
	t.Helper()
	got, gotRev := load(t, s)
	require.Equal(t, lines(want), lines(got), msgAndArgs...)
	require.Equal(t, rev, gotRev, msgAndArgs...)
	current, err := s.Revision(context.Background())
	require.NoError(t, err, "Revision")
	require.Equal(t, rev, current, msgAndArgs...)
}

// lines renders p one line a string, so that failures read as policies
// and an empty policy equals a nil one: grants, role assignments,
// relations and parents, each kind in p's order.
func lines(p authz.Policy) []string {
	out := []string{}
	for _, g := range p.Grants {
		out = append(out, g.String())
	}
	for _, a := range p.Roles {
		out = append(out, a.String())
	}
	for _, r := range p.Relations {
		out = append(out, r.String())
	}
	for _, link := range p.Parents {
		out = append(out, link.String())
	}
	return out
}

func apply(t *testing.T, s authz.Store, c authz.Change, base int64) int64 {
	t.Helper()
	rev, err := s.Apply(context.Background(), c, base)
	require.NoError(t, err, "Apply at %d", base)
	require.Equal(t, base+1, rev, "Apply returns the next revision")
	return rev
}

func seed(t *testing.T, s authz.Store, p authz.Policy) {
	t.Helper()
	require.NoError(t, s.Seed(context.Background(), p), "Seed")
}

func testEmpty(t *testing.T, open Open) {
	requirePolicy(t, open(t), authz.Policy{}, 0, "a new store is empty at revision 0")
}

func testSeedWritesOnce(t *testing.T, open Open) {
	first, second := open(t), open(t)
	seed(t, first, samplePolicy())
	requirePolicy(t, first, samplePolicy(), 1)
	other := authz.Policy{Grants: []authz.Grant{grant("intruder", "users:delete")}}
	seed(t, second, other)
	seed(t, first, other)
	requirePolicy(t, second, samplePolicy(), 1, "a seeded store is never seeded again")
}

func testSeedWithNothing(t *testing.T, open Open) {
	s := open(t)
	seed(t, s, authz.Policy{})
	requirePolicy(t, s, authz.Policy{}, 0, "seeding nothing writes nothing")
	seed(t, open(t), samplePolicy())
	requirePolicy(t, s, authz.Policy{}, 0, "an empty seed still counts as the seeding")
}

func testSeedLeavesWrittenStores(t *testing.T, open Open) {
	s := open(t)
	written := authz.Policy{Grants: []authz.Grant{grant("ops", "servers:restart")}}
	apply(t, s, authz.Change{AddGrants: written.Grants}, 0)
	seed(t, open(t), samplePolicy())
	requirePolicy(t, s, written, 1, "a store written before its seeding keeps its lines")
}

func testEmptiedStaysEmpty(t *testing.T, open Open) {
	s := open(t)
	seed(t, s, samplePolicy())
	p := samplePolicy()
	apply(t, s, authz.Change{RemoveGrants: p.Grants, RemoveRoles: p.Roles}, 1)
	requirePolicy(t, s, authz.Policy{}, 2)
	seed(t, open(t), samplePolicy())
	requirePolicy(t, s, authz.Policy{}, 2, "a policy emptied on purpose stays empty")
}

func testRacingSeeds(t *testing.T, open Open) {
	const racers = 6
	stores := make([]authz.Store, racers)
	policies := make([]authz.Policy, racers)
	for i := range stores {
		stores[i] = open(t)
		policies[i] = authz.Policy{Grants: []authz.Grant{grant(fmt.Sprintf("racer%d", i), "posts:read")},
			Roles: []authz.RoleAssignment{role(fmt.Sprintf("racer%d", i), "user")}}
	}
	var wg sync.WaitGroup
	errs := make([]error, racers)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = stores[i].Seed(context.Background(), policies[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "racer %d", i)
	}
	got, rev := load(t, stores[0])
	require.Equal(t, int64(1), rev, "one seeding wrote")
	matches := 0
	for _, p := range policies {
		if assert.ObjectsAreEqual(lines(p), lines(got)) {
			matches++
		}
	}
	require.Equal(t, 1, matches, "the store holds exactly one racer's policy, whole: %v", lines(got))
}

func testLargeSeed(t *testing.T, open Open) {
	var p authz.Policy
	for i := 0; i < 1234; i++ {
		p.Grants = append(p.Grants, grant(fmt.Sprintf("role%04d", 1233-i), fmt.Sprintf("res%d:act%d", i%17, i%5)))
	}
	for i := 0; i < 777; i++ {
		p.Roles = append(p.Roles, role(fmt.Sprintf("user%04d", 776-i), fmt.Sprintf("role%04d", i%50)))
	}
	s := open(t)
	seed(t, s, p)
	requirePolicy(t, s, p, 1, "every line, in order")
	requirePolicy(t, open(t), p, 1, "from another handle too")
}

func testApplyOrder(t *testing.T, open Open) {
	s := open(t)
	seed(t, s, samplePolicy())
	p := samplePolicy()
	moved := p.Grants[0]
	// Removing and adding one line in one change moves it to the end.
	apply(t, s, authz.Change{
		RemoveGrants: []authz.Grant{moved},
		RemoveRoles:  []authz.RoleAssignment{p.Roles[0]},
		AddGrants:    []authz.Grant{moved, grant("writer", "posts:write")},
		AddRoles:     []authz.RoleAssignment{role("carol", "writer")},
	}, 1)
	want := authz.Policy{
		Grants: append(append([]authz.Grant{}, p.Grants[1:]...), moved, grant("writer", "posts:write")),
		Roles:  append(append([]authz.RoleAssignment{}, p.Roles[1:]...), role("carol", "writer")),
	}
	requirePolicy(t, s, want, 2)
	requirePolicy(t, open(t), want, 2, "another handle sees the change at once")
}

func testStaleBase(t *testing.T, open Open) {
	s, peer := open(t), open(t)
	seed(t, s, samplePolicy())
	apply(t, peer, authz.Change{AddGrants: []authz.Grant{grant("peer", "posts:read")}}, 1)
	want, _ := load(t, s)
	for _, base := range []int64{0, 1, 3, 100, -1} {
		_, err := s.Apply(context.Background(), authz.Change{AddGrants: []authz.Grant{grant("late", "posts:read")}}, base)
		require.ErrorIs(t, err, authz.ErrStale, "base %d", base)
		requirePolicy(t, s, want, 2, "a stale edit changes nothing (base %d)", base)
	}
}

func testMismatchedLines(t *testing.T, open Open) {
	s := open(t)
	seed(t, s, samplePolicy())
	p := samplePolicy()
	fresh := grant("fresh", "posts:read")
	for name, c := range map[string]authz.Change{
		"remove a missing grant": {AddGrants: []authz.Grant{fresh}, RemoveGrants: []authz.Grant{grant("ghost", "posts:read")}},
		"remove a missing role":  {AddGrants: []authz.Grant{fresh}, RemoveRoles: []authz.RoleAssignment{role("ghost", "user")}},
		"add a present grant":    {AddRoles: []authz.RoleAssignment{role("dave", "user")}, AddGrants: []authz.Grant{fresh, p.Grants[1]}},
		"add a present role":     {AddGrants: []authz.Grant{fresh}, AddRoles: []authz.RoleAssignment{p.Roles[2]}},
		"the scope differs":      {RemoveGrants: []authz.Grant{{Subject: "user", Permission: "posts:read", Scope: permissions.Own, Effect: authz.Allow}}},
		"the effect differs":     {RemoveGrants: []authz.Grant{{Subject: "user", Permission: "posts:read", Scope: permissions.Any, Effect: authz.Deny}}},
		"the case differs":       {RemoveRoles: []authz.RoleAssignment{role("Bob", "user")}},
	} {
		_, err := s.Apply(context.Background(), c, 1)
		require.ErrorIs(t, err, authz.ErrStale, name)
		requirePolicy(t, s, p, 1, "%s: the whole change is refused", name)
	}
}

func testRacingApplies(t *testing.T, open Open) {
	s := open(t)
	seed(t, s, samplePolicy())
	const racers = 6
	stores := make([]authz.Store, racers)
	for i := range stores {
		stores[i] = open(t)
	}
	var wg sync.WaitGroup
	revs := make([]int64, racers)
	errs := make([]error, racers)
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			revs[i], errs[i] = stores[i].Apply(context.Background(),
				authz.Change{AddRoles: []authz.RoleAssignment{role(fmt.Sprintf("racer%d", i), "user")}}, 1)
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "two racers won at one base: %d and %d", winner, i)
			require.Equal(t, int64(2), revs[i])
			winner = i
			continue
		}
		// A store may refuse a loser as stale, or fail it as a database
		// refuses a conflicting transaction; either way it changed nothing.
		if !errors.Is(err, authz.ErrStale) {
			t.Logf("racer %d: %v", i, err)
		}
	}
	require.NotEqual(t, -1, winner, "one racer wins")
	want := samplePolicy()
	want.Roles = append(want.Roles, role(fmt.Sprintf("racer%d", winner), "user"))
	requirePolicy(t, s, want, 2, "exactly the winner's change")
}

// oddNames are valid names that stores must keep exactly: every one of
// them differs from every other, some only in case or accents.
var oddNames = []string{
	"o'brien; DROP TABLE casbin_rule; --",
	"100%_match\\",
	"Bob", "bob", "BOB",
	"é", "e\u0301x", "日本語の役割", "emoji 😀 role",
	"tab-less:colon:name", "$1 ? :name @var",
	strings.Repeat("x", authz.MaxNameLength),
	strings.Repeat("é", authz.MaxNameLength/2),
	strings.Repeat("語", authz.MaxNameLength/3),
}

func testNamesRoundTrip(t *testing.T, open Open) {
	s := open(t)
	var p authz.Policy
	for i, name := range oddNames {
		p.Grants = append(p.Grants, grant(name, fmt.Sprintf("odd%d:read", i)))
		p.Roles = append(p.Roles, role(name, "role "+fmt.Sprint(i)))
	}
	seed(t, s, p)
	requirePolicy(t, open(t), p, 1, "names come back exactly")
	// Names differing in case only are different lines.
	apply(t, s, authz.Change{RemoveRoles: []authz.RoleAssignment{role("bob", "role 3")}}, 1)
	p.Roles = append(p.Roles[:3], p.Roles[4:]...)
	requirePolicy(t, open(t), p, 2, "removing bob's line leaves Bob's and BOB's")
}

// volatile returns a string that aliases buf, as fasthttp's request values
// do: it changes when buf is overwritten.
func volatile(buf []byte) string { return unsafe.String(unsafe.SliceData(buf), len(buf)) }

func testKeepsNoCallerMemory(t *testing.T, open Open) {
	s := open(t)
	subject, member, roleName := []byte("volatile-subject"), []byte("volatile-member"), []byte("volatile-role")
	perm := []byte("posts:read")
	seed(t, s, authz.Policy{
		Grants: []authz.Grant{{Subject: volatile(subject), Permission: permissions.Permission(volatile(perm)), Scope: permissions.Any, Effect: authz.Allow}},
		Roles:  []authz.RoleAssignment{{Member: volatile(member), Role: volatile(roleName)}},
	})
	added := []byte("volatile-added")
	apply(t, s, authz.Change{AddGrants: []authz.Grant{grant(volatile(added), "posts:write")}}, 1)
	for _, buf := range [][]byte{subject, member, roleName, perm, added} {
		for i := range buf {
			buf[i] = 'Z'
		}
	}
	want := authz.Policy{
		Grants: []authz.Grant{grant("volatile-subject", "posts:read"), grant("volatile-added", "posts:write")},
		Roles:  []authz.RoleAssignment{role("volatile-member", "volatile-role")},
	}
	requirePolicy(t, s, want, 2, "the store kept copies, not the caller's buffers")

	// What Load returns is the caller's: changing it changes nothing.
	got, _ := load(t, s)
	got.Grants[0].Subject = "mutated"
	got.Roles[0] = role("mutated", "mutated")
	requirePolicy(t, s, want, 2, "Load hands out slices of the caller's own")
}

// model is the policy a long sequence expects.
type model struct {
	grants    []authz.Grant
	roles     []authz.RoleAssignment
	relations []authz.Relation
	parents   []authz.ResourceParent
	rev       int64
}

func (m *model) policy() authz.Policy {
	return authz.Policy{
		Grants:    append([]authz.Grant{}, m.grants...),
		Roles:     append([]authz.RoleAssignment{}, m.roles...),
		Relations: append([]authz.Relation{}, m.relations...),
		Parents:   append([]authz.ResourceParent{}, m.parents...),
	}
}

// apply records c, applied by the store at rev: its removals, then its
// additions at the end of their kind.
func (m *model) apply(c authz.Change, rev int64) {
	for _, g := range c.RemoveGrants {
		m.grants = removeLine(m.grants, g)
	}
	for _, a := range c.RemoveRoles {
		m.roles = removeLine(m.roles, a)
	}
	for _, r := range c.RemoveRelations {
		m.relations = removeLine(m.relations, r)
	}
	for _, link := range c.RemoveParents {
		m.parents = removeLine(m.parents, link)
	}
	m.grants = append(m.grants, c.AddGrants...)
	m.roles = append(m.roles, c.AddRoles...)
	m.relations = append(m.relations, c.AddRelations...)
	m.parents = append(m.parents, c.AddParents...)
	m.rev = rev
}

func removeLine[L comparable](lines []L, l L) []L {
	for i, x := range lines {
		if x == l {
			return append(lines[:i:i], lines[i+1:]...)
		}
	}
	return lines
}

func contains[L comparable](lines []L, l L) bool {
	for _, x := range lines {
		if x == l {
			return true
		}
	}
	return false
}

// lineMix draws the random lines of a long sequence, one kind each.
type lineMix struct {
	grant    func() authz.Grant
	role     func() authz.RoleAssignment
	relation func() authz.Relation
	parent   func() authz.ResourceParent
	// expiries are the expiries a held relation may be changed to.
	expiries []time.Time
}

// relationMix returns the relations and parents of the long sequences,
// drawn by rng: subjects, roles and resources of odd names, a third of
// the relations expiring.
func relationMix(rng *rand.Rand, subjects []string) (func() authz.Relation, func() authz.ResourceParent, []time.Time) {
	resources := []string{"posts:1", "posts:2", "docs:日本", "folders:o'neil", "folders:100%_x"}
	expiries := []time.Time{{}, {}, {}, {}, expiry, expiry.Add(time.Hour)}
	randomRelation := func() authz.Relation {
		return authz.Relation{Subject: subjects[rng.IntN(len(subjects))], Role: []string{"viewer", "editor"}[rng.IntN(2)],
			Resource: resources[rng.IntN(len(resources))], Expires: expiries[rng.IntN(len(expiries))]}
	}
	randomParent := func() authz.ResourceParent {
		return parent(resources[rng.IntN(len(resources))], resources[rng.IntN(len(resources))])
	}
	return randomRelation, randomParent, expiries
}

// randomEdits adds n random edits to c that a store holding m can apply:
// removals of lines m holds and additions of lines it lacks (or that c
// removes), none twice; among them changes of a held relation's expiry,
// its line removed and the line with the new expiry added, as engines
// make them.
func (m *model) randomEdits(rng *rand.Rand, c *authz.Change, n int, mix lineMix) {
	for ; n > 0; n-- {
		switch rng.IntN(9) {
		case 0:
			if g := mix.grant(); contains(m.grants, g) && !contains(c.RemoveGrants, g) {
				c.RemoveGrants = append(c.RemoveGrants, g)
			}
		case 1:
			if a := mix.role(); contains(m.roles, a) && !contains(c.RemoveRoles, a) {
				c.RemoveRoles = append(c.RemoveRoles, a)
			}
		case 2:
			if g := mix.grant(); (!contains(m.grants, g) || contains(c.RemoveGrants, g)) && !contains(c.AddGrants, g) {
				c.AddGrants = append(c.AddGrants, g)
			}
		case 3:
			if a := mix.role(); (!contains(m.roles, a) || contains(c.RemoveRoles, a)) && !contains(c.AddRoles, a) {
				c.AddRoles = append(c.AddRoles, a)
			}
		case 4:
			if r := mix.relation(); contains(m.relations, r) && !contains(c.RemoveRelations, r) {
				c.RemoveRelations = append(c.RemoveRelations, r)
			}
		case 5:
			if r := mix.relation(); (!contains(m.relations, r) || contains(c.RemoveRelations, r)) && !contains(c.AddRelations, r) {
				c.AddRelations = append(c.AddRelations, r)
			}
		case 6:
			if link := mix.parent(); contains(m.parents, link) && !contains(c.RemoveParents, link) {
				c.RemoveParents = append(c.RemoveParents, link)
			}
		case 7:
			if link := mix.parent(); (!contains(m.parents, link) || contains(c.RemoveParents, link)) && !contains(c.AddParents, link) {
				c.AddParents = append(c.AddParents, link)
			}
		case 8:
			if len(m.relations) == 0 {
				continue
			}
			old := m.relations[rng.IntN(len(m.relations))]
			changed := old
			changed.Expires = mix.expiries[rng.IntN(len(mix.expiries))]
			if changed == old || contains(c.RemoveRelations, old) || contains(c.AddRelations, changed) ||
				contains(m.relations, changed) && !contains(c.RemoveRelations, changed) {
				continue
			}
			c.RemoveRelations = append(c.RemoveRelations, old)
			c.AddRelations = append(c.AddRelations, changed)
		}
	}
}

func testLongSequence(t *testing.T, open Open) {
	steps := 240
	if testing.Short() {
		steps = 60
	}
	rng := rand.New(rand.NewPCG(15, 2026))
	handles := []authz.Store{open(t), open(t), open(t)}
	var m model
	seed(t, handles[0], authz.Policy{})
	names := []string{"ann", "Ann", "bo", "cy", "dee", "日本", "o'neil"}
	perms := []string{"posts:read", "posts:write", "users:read"}
	randomGrant := func() authz.Grant {
		g := grant(names[rng.IntN(len(names))], perms[rng.IntN(len(perms))])
		if rng.IntN(3) == 0 {
			g.Scope = permissions.Own
		}
		if rng.IntN(4) == 0 {
			g.Effect = authz.Deny
		}
		return g
	}
	randomRole := func() authz.RoleAssignment {
		return role(names[rng.IntN(len(names))], "r"+names[rng.IntN(len(names))])
	}
	mix := lineMix{grant: randomGrant, role: randomRole}
	mix.relation, mix.parent, mix.expiries = relationMix(rng, names)
	for step := 0; step < steps; step++ {
		s := handles[rng.IntN(len(handles))]
		if rng.IntN(40) == 0 {
			s = open(t) // a restart: a new handle on the same data
		}
		var c authz.Change
		m.randomEdits(rng, &c, 1+rng.IntN(3), mix)
		base := m.rev
		stale := rng.IntN(8) == 0
		if stale {
			base = m.rev - 1 - int64(rng.IntN(2))
		}
		rev, err := s.Apply(context.Background(), c, base)
		if stale {
			require.ErrorIs(t, err, authz.ErrStale, "step %d: a stale base", step)
		} else {
			require.NoError(t, err, "step %d", step)
			require.Equal(t, m.rev+1, rev, "step %d", step)
			m.apply(c, rev)
		}
		requirePolicy(t, handles[rng.IntN(len(handles))], m.policy(), m.rev, "after step %d", step)
	}
}

func testEngines(t *testing.T, open Open) {
	ctx := context.Background()
	a, err := authz.New(ctx, authz.WithStore(open(t)))
	require.NoError(t, err, "an engine seeds the default policy and loads it")
	b, err := authz.New(ctx, authz.WithStore(open(t)), authz.WithPolicy("p, intruder, users:delete, any, allow"))
	require.NoError(t, err)
	requireEngineMatches(t, a, open(t))
	requireEngineMatches(t, b, open(t))

	rng := rand.New(rand.NewPCG(4, 7))
	for step := 0; step < 40; step++ {
		e := []*authz.Engine{a, b}[rng.IntN(2)]
		user := fmt.Sprintf("user%d", rng.IntN(6))
		var err error
		switch rng.IntN(4) {
		case 0:
			err = e.AssignRole(ctx, user, []string{"user", "moderator"}[rng.IntN(2)])
		case 1:
			err = e.UnassignRole(ctx, user, "user")
		case 2:
			err = e.AddGrant(ctx, authz.Grant{Subject: user, Permission: "reports:read", Scope: permissions.Own})
		case 3:
			err = e.RemoveSubject(ctx, user)
		}
		// Both engines edit one store: an edit planned on a policy the
		// other engine changed is reloaded and checked again, so the only
		// refusals are those the policy itself explains.
		if err != nil {
			require.True(t, errors.Is(err, authz.ErrExists) || errors.Is(err, authz.ErrNotFound), "step %d: %v", step, err)
			// Refused on the policy in memory, which may trail the store.
			require.NoError(t, e.Reload(ctx))
		}
		requireEngineMatches(t, e, open(t))
	}
	require.NoError(t, a.Reload(ctx))
	require.NoError(t, b.Reload(ctx))
	requireEngineMatches(t, a, open(t))
	requireEngineMatches(t, b, open(t))
}

// requireEngineMatches asserts that e's memory holds the store's policy,
// its relations in the order the store has them.
func requireEngineMatches(t *testing.T, e *authz.Engine, s authz.Store, msgAndArgs ...any) {
	t.Helper()
	inMemory, err := e.Policy(context.Background())
	require.NoError(t, err)
	stored, _ := load(t, s)
	where := ""
	if len(msgAndArgs) > 0 {
		where = " (" + fmt.Sprintf(fmt.Sprint(msgAndArgs[0]), msgAndArgs[1:]...) + ")"
	}
	require.ElementsMatch(t, lines(stored), lines(inMemory), "the engine's memory is the store's policy"+where)
	require.Equal(t, lines(authz.Policy{Relations: stored.Relations}), lines(authz.Policy{Relations: inMemory.Relations}),
		"relations in the order written"+where)
}

func testIdentity(t *testing.T, open Open, fresh Fresh) {
	s, ok := open(t).(authz.SharedStore)
	if !ok {
		t.Skip("the store is not an authz.SharedStore")
	}
	ctx := context.Background()
	id, key, err := s.Identity(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, id)
	require.NoError(t, watch.CheckKey(key), "the sealing key is a watch key")
	again, ok := open(t).(authz.SharedStore)
	require.True(t, ok)
	id2, key2, err := again.Identity(ctx)
	require.NoError(t, err)
	require.Equal(t, id, id2, "every handle on one store has its id")
	require.Equal(t, key, key2, "every handle on one store has its key")
	key2[0] ^= 0xff
	_, key3, err := s.Identity(ctx)
	require.NoError(t, err)
	require.Equal(t, key, key3, "the key handed out is a copy")

	other, ok := fresh(t)(t).(authz.SharedStore)
	require.True(t, ok)
	otherID, otherKey, err := other.Identity(ctx)
	require.NoError(t, err)
	require.NotEqual(t, id, otherID, "another store has another id")
	require.NotEqual(t, key, otherKey, "another store has another key")
}
