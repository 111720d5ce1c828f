package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The relation cases. A store keeps relations ("g2" lines) and resource
// parents ("g3" lines) as it keeps grants and role assignments: every
// line, each kind in the order written, compared whole. A relation's
// expiry is part of its line: the relation with another expiry, or with
// none, is another line, and an engine changes an expiry by removing the
// old line and adding the new one. Expiries come back as their lines
// write them, in UTC and to the second.

// expiry is an instant the suite's relations expire at.
var expiry = time.Date(2026, 12, 4, 17, 0, 0, 0, time.UTC)

// relation returns a relation that does not expire.
func relation(subject, r, resource string) authz.Relation {
	return authz.Relation{Subject: subject, Role: r, Resource: resource}
}

// until returns r expiring at t.
func until(r authz.Relation, t time.Time) authz.Relation {
	r.Expires = t
	return r
}

// parent returns the line that puts resource inside p.
func parent(resource, p string) authz.ResourceParent {
	return authz.ResourceParent{Resource: resource, Parent: p}
}

// relationPolicy is samplePolicy with relations, one expiring, and a
// chain of parents.
func relationPolicy() authz.Policy {
	p := samplePolicy()
	p.Relations = []authz.Relation{
		relation("carol", "editor", "posts:42"),
		relation("red", "viewer", "folders:7"),
		until(relation("dave", "editor", "posts:42"), expiry),
		relation("carol", "viewer", "folders:7"),
	}
	p.Parents = []authz.ResourceParent{parent("docs:9", "folders:7"), parent("folders:7", "folders:1")}
	return p
}

// requireSameRelations asserts that got holds want's relations, their
// expiries the same instants, in UTC and to the second.
func requireSameRelations(t *testing.T, want, got []authz.Relation, msgAndArgs ...any) {
	t.Helper()
	require.Len(t, got, len(want), msgAndArgs...)
	for i, w := range want {
		g := got[i]
		require.Equal(t, w.String(), g.String(), msgAndArgs...)
		if w.Expires.IsZero() {
			require.True(t, g.Expires.IsZero(), "%s: no expiry", w)
			continue
		}
		require.True(t, w.Expires.Truncate(time.Second).Equal(g.Expires), "%s: expires at %v, not %v", w, w.Expires, g.Expires)
		require.Equal(t, time.UTC, g.Expires.Location(), "%s: the expiry is in UTC", w)
		require.Zero(t, g.Expires.Nanosecond(), "%s: the expiry is to the second", w)
	}
}

func testRelationsRoundTrip(t *testing.T, open Open) {
	s := open(t)
	p := relationPolicy()
	// An expiry in another zone, with a fraction of a second, is kept as
	// its line writes it.
	paris := time.FixedZone("CET", 3600)
	p.Relations = append(p.Relations, until(relation("erin", "viewer", "docs:9"), time.Date(2026, 12, 4, 18, 30, 15, 999_999_999, paris)))
	seed(t, s, p)
	requirePolicy(t, s, p, 1, "relations and parents come back, each kind in order")
	got, _ := load(t, open(t))
	requireSameRelations(t, p.Relations, got.Relations, "from another handle")
	require.Equal(t, p.Parents, got.Parents)
	last := got.Relations[len(got.Relations)-1]
	require.Equal(t, "g2, erin, viewer, docs:9, until 2026-12-04T17:30:15Z", last.String())
}

func testSeedCountsRelations(t *testing.T, open Open, fresh Fresh) {
	relationOnly := authz.Policy{Relations: []authz.Relation{until(relation("carol", "editor", "posts:42"), expiry)}}
	s := open(t)
	apply(t, s, authz.Change{AddRelations: relationOnly.Relations}, 0)
	seed(t, open(t), samplePolicy())
	requirePolicy(t, s, relationOnly, 1, "a store holding a relation only is not empty, and is not seeded")

	parentOnly := authz.Policy{Parents: []authz.ResourceParent{parent("docs:9", "folders:7")}}
	other := fresh(t)
	apply(t, other(t), authz.Change{AddParents: parentOnly.Parents}, 0)
	seed(t, other(t), samplePolicy())
	requirePolicy(t, other(t), parentOnly, 1, "a store holding a parent only is not empty, and is not seeded")

	// Relations and parents alone are something to seed.
	seeded := fresh(t)
	want := authz.Policy{Relations: relationPolicy().Relations, Parents: relationPolicy().Parents}
	seed(t, seeded(t), want)
	requirePolicy(t, seeded(t), want, 1, "a seed of relations and parents only writes them")
}

func testApplyRelations(t *testing.T, open Open) {
	s := open(t)
	p := relationPolicy()
	seed(t, s, p)
	carol := p.Relations[0]
	later := until(carol, expiry.Add(time.Hour))
	// carol's relation is given an expiry, as an engine does it: the old
	// line removed, the new one added. docs:9 moves to folders:1.
	apply(t, s, authz.Change{
		RemoveRelations: []authz.Relation{carol},
		RemoveParents:   []authz.ResourceParent{parent("docs:9", "folders:7")},
		AddRelations:    []authz.Relation{later, relation("frank", "viewer", "docs:9")},
		AddParents:      []authz.ResourceParent{parent("docs:9", "folders:1")},
	}, 1)
	want := samplePolicy()
	want.Relations = []authz.Relation{p.Relations[1], p.Relations[2], p.Relations[3], later, relation("frank", "viewer", "docs:9")}
	want.Parents = []authz.ResourceParent{parent("folders:7", "folders:1"), parent("docs:9", "folders:1")}
	requirePolicy(t, s, want, 2)
	requirePolicy(t, open(t), want, 2, "another handle sees the change at once")

	// Another expiry, then none again.
	latest := until(carol, expiry.Add(48*time.Hour))
	apply(t, s, authz.Change{RemoveRelations: []authz.Relation{later}, AddRelations: []authz.Relation{latest}}, 2)
	apply(t, s, authz.Change{RemoveRelations: []authz.Relation{latest}, AddRelations: []authz.Relation{carol}}, 3)
	want.Relations = []authz.Relation{p.Relations[1], p.Relations[2], p.Relations[3], relation("frank", "viewer", "docs:9"), carol}
	requirePolicy(t, open(t), want, 4, "an expiry changed and removed")

	// folders:7 deleted, as Engine.RemoveResource does it: its relations
	// and the links to its parent and its children, in one change.
	apply(t, s, authz.Change{
		RemoveRelations: []authz.Relation{p.Relations[1], p.Relations[3]},
		RemoveParents:   []authz.ResourceParent{parent("folders:7", "folders:1")},
	}, 4)
	want.Relations = []authz.Relation{p.Relations[2], relation("frank", "viewer", "docs:9"), carol}
	want.Parents = []authz.ResourceParent{parent("docs:9", "folders:1")}
	requirePolicy(t, open(t), want, 5, "folders:7 is gone")
	got, _ := load(t, s)
	requireSameRelations(t, want.Relations, got.Relations)
}

func testMismatchedRelations(t *testing.T, open Open) {
	s := open(t)
	p := relationPolicy()
	seed(t, s, p)
	fresh := []authz.Relation{relation("fresh", "viewer", "docs:1")}
	dave := p.Relations[2] // expires
	newYork := time.FixedZone("EST", -5*3600)
	for name, c := range map[string]authz.Change{
		"remove a missing relation":         {AddRelations: fresh, RemoveRelations: []authz.Relation{relation("ghost", "viewer", "docs:1")}},
		"remove without the expiry":         {AddRelations: fresh, RemoveRelations: []authz.Relation{relation("dave", "editor", "posts:42")}},
		"remove with another expiry":        {AddRelations: fresh, RemoveRelations: []authz.Relation{until(dave, expiry.Add(time.Second))}},
		"remove with an expiry it lacks":    {AddRelations: fresh, RemoveRelations: []authz.Relation{until(p.Relations[0], expiry)}},
		"remove on another resource":        {AddRelations: fresh, RemoveRelations: []authz.Relation{relation("carol", "editor", "posts:43")}},
		"remove in another case":            {AddRelations: fresh, RemoveRelations: []authz.Relation{relation("Carol", "editor", "posts:42")}},
		"add a present relation":            {AddRelations: append(fresh, p.Relations[1])},
		"add a present expiring relation":   {AddRelations: append(fresh, dave)},
		"add it with the expiry in a zone":  {AddRelations: append(fresh, until(dave, expiry.In(newYork)))},
		"remove a missing parent":           {AddRelations: fresh, RemoveParents: []authz.ResourceParent{parent("docs:1", "folders:1")}},
		"remove a parent it does not have":  {AddRelations: fresh, RemoveParents: []authz.ResourceParent{parent("docs:9", "folders:1")}},
		"add a present parent":              {AddRelations: fresh, AddParents: []authz.ResourceParent{parent("folders:7", "folders:1")}},
		"a parent is not a role assignment": {AddRelations: fresh, RemoveRoles: []authz.RoleAssignment{role("docs:9", "folders:7")}},
		"a relation is not a parent":        {AddRelations: fresh, RemoveParents: []authz.ResourceParent{parent("carol", "editor")}},
	} {
		_, err := s.Apply(context.Background(), c, 1)
		require.ErrorIs(t, err, authz.ErrStale, name)
		requirePolicy(t, s, p, 1, "%s: the whole change is refused", name)
	}
}

// relationResource returns a resource named for the i-th odd name: the
// name as its id when the whole fits in a name, a shorter id otherwise.
func relationResource(i int, name string) string {
	if resource := fmt.Sprintf("odd%d:%s", i, name); len(resource) <= authz.MaxNameLength {
		return resource
	}
	return fmt.Sprintf("odd%d:long-%d", i, len(name))
}

func testRelationNamesRoundTrip(t *testing.T, open Open) {
	s := open(t)
	var p authz.Policy
	for i, name := range oddNames {
		p.Relations = append(p.Relations, relation(name, "role "+fmt.Sprint(i), relationResource(i, name)),
			until(relation("viewer", name, relationResource(i, name)), expiry.Add(time.Duration(i)*time.Minute)))
		p.Parents = append(p.Parents, parent(relationResource(i, name), relationResource(i+1, "parent of "+name)))
	}
	// The longest resource name a relation may have.
	longest := "docs:" + strings.Repeat("x", authz.MaxNameLength-len("docs:"))
	p.Relations = append(p.Relations, relation("bob", "viewer", longest))
	p.Parents = append(p.Parents, parent(longest, "folders:"+strings.Repeat("y", authz.MaxNameLength-len("folders:"))))
	seed(t, s, p)
	requirePolicy(t, open(t), p, 1, "names come back exactly")

	// Names differing in case only are different lines.
	require.Equal(t, "bob", p.Relations[6].Subject)
	apply(t, s, authz.Change{RemoveRelations: []authz.Relation{p.Relations[6]}}, 1)
	p.Relations = append(p.Relations[:6:6], p.Relations[7:]...)
	requirePolicy(t, open(t), p, 2, "removing bob's relation leaves Bob's and BOB's")
}

func testRelationsKeepNoCallerMemory(t *testing.T, open Open) {
	s := open(t)
	subject, roleName, resource := []byte("volatile-subject"), []byte("volatile-role"), []byte("docs:volatile")
	child, folder := []byte("docs:volatile-child"), []byte("folders:volatile")
	removed := []byte("volatile-subject")
	added, addedChild := []byte("volatile-added"), []byte("docs:volatile-added")
	seed(t, s, authz.Policy{
		Relations: []authz.Relation{
			until(relation(volatile(subject), volatile(roleName), volatile(resource)), expiry),
			relation("kept", volatile(roleName), volatile(resource)),
		},
		Parents: []authz.ResourceParent{parent(volatile(child), volatile(folder))},
	})
	apply(t, s, authz.Change{
		RemoveRelations: []authz.Relation{until(relation(volatile(removed), "volatile-role", "docs:volatile"), expiry)},
		AddRelations:    []authz.Relation{relation(volatile(added), "viewer", volatile(addedChild))},
		AddParents:      []authz.ResourceParent{parent(volatile(addedChild), "folders:volatile")},
	}, 1)
	for _, buf := range [][]byte{subject, roleName, resource, child, folder, removed, added, addedChild} {
		for i := range buf {
			buf[i] = 'Z'
		}
	}
	want := authz.Policy{
		Relations: []authz.Relation{relation("kept", "volatile-role", "docs:volatile"), relation("volatile-added", "viewer", "docs:volatile-added")},
		Parents:   []authz.ResourceParent{parent("docs:volatile-child", "folders:volatile"), parent("docs:volatile-added", "folders:volatile")},
	}
	requirePolicy(t, s, want, 2, "the store kept copies, not the caller's buffers")

	// What Load returns is the caller's: changing it changes nothing.
	got, _ := load(t, s)
	got.Relations[0].Subject = "mutated"
	got.Parents[0] = parent("mutated:1", "mutated:2")
	requirePolicy(t, s, want, 2, "Load hands out slices of the caller's own")
}

func testLoadTenantsSkipsRelations(t *testing.T, open Open) {
	ts := tenantStore(t, open(t))
	p := tenantPolicy()
	p.Relations, p.Parents = relationPolicy().Relations, relationPolicy().Parents
	seed(t, ts, p)
	for _, f := range []authz.TenantFilter{
		shardFilter("acme/eu"),
		{Tenants: oddTenants, Above: []string{authz.AllTenants}},
	} {
		got := requireLoadTenants(t, ts, f, p, 1, "LoadTenants reads past relations and parents")
		assert.Empty(t, got.Relations, "relations have no tenant")
		assert.Empty(t, got.Parents, "parents have no tenant")
		assert.NotEmpty(t, got.Grants)
	}
	requirePolicy(t, ts, p, 1, "Load has them all")
}

// revision returns the revision s is at.
func revision(t *testing.T, s authz.Store) int64 {
	t.Helper()
	rev, err := s.Revision(context.Background())
	require.NoError(t, err, "Revision")
	return rev
}

// relationEngine returns an engine of testEngineRelations on s: on the
// model without tenants, which relations need, reading the time from now.
func relationEngine(t *testing.T, s authz.Store, now func() time.Time) *authz.Engine {
	t.Helper()
	e, err := authz.New(context.Background(), authz.WithStore(s), authz.WithClock(now), authz.WithPolicy(`
p, viewer, docs:read, any, allow
p, editor, docs:update, any, allow
p, editor, posts:update, any, allow
g, editor, viewer
g, carol, team
g2, alice, editor, docs:1
g2, team, viewer, folders:1, until 2026-12-04T17:00:00Z
g3, docs:1, folders:1
g3, docs:2, folders:2
`))
	require.NoError(t, err)
	return e
}

func testEngineRelations(t *testing.T, open Open) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	a, b := relationEngine(t, open(t), clock), relationEngine(t, open(t), clock)
	s := open(t)
	seeded, _ := load(t, open(t))
	require.Len(t, seeded.Relations, 2, "the engine seeded its relations")
	require.Len(t, seeded.Parents, 2, "the engine seeded its parents")
	requireEngineMatches(t, a, open(t))
	requireEngineMatches(t, b, open(t))

	rng := rand.New(rand.NewPCG(9, 2026))
	subjects := []string{"alice", "bob", "carol", "team"}
	resources := []string{"docs:1", "docs:2", "docs:3", "folders:1", "folders:2", "folders:3", "posts:42"}
	expiries := []time.Time{{}, {}, now.Add(time.Hour), now.Add(24 * time.Hour)}
	steps := 80
	if testing.Short() {
		steps = 24
	}
	for step := 0; step < steps; step++ {
		if step == steps/2 {
			// A restart: a new engine on the same store holds what the
			// old one held, relations in the same order.
			// The old engine may trail edits the other made: it catches
			// up first.
			restarted := relationEngine(t, open(t), clock)
			require.NoError(t, a.Reload(ctx))
			want, err := a.Policy(ctx)
			require.NoError(t, err)
			got, err := restarted.Policy(ctx)
			require.NoError(t, err)
			require.Equal(t, lines(want), lines(got), "step %d: the restarted engine holds the policy", step)
			a = restarted
		}
		e := []*authz.Engine{a, b}[rng.IntN(2)]
		rel := authz.Relation{Subject: subjects[rng.IntN(len(subjects))], Role: []string{"viewer", "editor"}[rng.IntN(2)],
			Resource: resources[rng.IntN(len(resources))], Expires: expiries[rng.IntN(len(expiries))]}
		resource, parentName := resources[rng.IntN(len(resources))], resources[rng.IntN(len(resources))]
		before := revision(t, s)
		var err error
		switch rng.IntN(9) {
		case 0, 1:
			// Also changes the expiry of a relation the policy has.
			err = e.AddRelation(ctx, rel)
		case 2:
			err = e.RemoveRelation(ctx, rel)
		case 3, 4:
			if resource != parentName {
				err = e.SetParent(ctx, resource, parentName)
			}
		case 5:
			err = e.RemoveParent(ctx, resource)
		case 6:
			err = e.RemoveResource(ctx, resource)
		case 7:
			err = e.AssignRole(ctx, subjects[rng.IntN(3)], "team")
		case 8:
			err = e.RemoveSubject(ctx, subjects[rng.IntN(len(subjects))])
		}
		// Both engines edit one store: an edit planned on a policy the
		// other engine changed is reloaded and checked again, so the only
		// refusals are those the policy itself explains.
		if err != nil {
			require.True(t, errors.Is(err, authz.ErrExists) || errors.Is(err, authz.ErrNotFound) ||
				errors.Is(err, authz.ErrCycle) || errors.Is(err, authz.ErrTooDeep), "step %d: %v", step, err)
		}
		if revision(t, s) == before {
			// Refused, or nothing to change (RemoveResource of a resource
			// the policy does not mention, as far as memory knows): the
			// store was not asked, and memory may trail it.
			require.NoError(t, e.Reload(ctx))
		}
		requireEngineMatches(t, e, s, "step %d", step)
	}
	require.NoError(t, a.Reload(ctx))
	require.NoError(t, b.Reload(ctx))
	requireEngineMatches(t, a, open(t))
	requireEngineMatches(t, b, open(t))
	stored, _ := load(t, open(t))
	require.NotEmpty(t, stored.Relations, "the sequence leaves relations to decide on")

	// Engines holding the store's policy decide alike, on the resources
	// of each permission's type.
	for _, subject := range subjects {
		for _, resource := range resources {
			typ, id, _ := strings.Cut(resource, ":")
			for _, perm := range []permissions.Permission{"docs:read", "docs:update", "posts:update"} {
				if perm.Resource() != typ {
					continue
				}
				req := authz.Request{Subject: subject, Permission: perm, Resource: authz.Resource{ID: id}}
				want, err := a.Decide(ctx, req)
				require.NoError(t, err)
				got, err := b.Decide(ctx, req)
				require.NoError(t, err)
				require.Equal(t, want.Allowed, got.Allowed, "%+v", req)
			}
		}
	}
}
