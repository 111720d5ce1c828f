package authz

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/util"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Decisions about single resources must be what Casbin's Enforce answers on
// the equivalent model — relations as roles held in a domain, the
// resource, through "g2" — wherever Casbin can express the policy, and
// what a brute-force reading of every line answers everywhere: groups,
// parents and expiry included. The tests generate worlds of users,
// groups and roles, relations on posts, folders and documents, documents
// inside folders inside folders, relations that expire; ask random
// questions; and keep asking while random edits change the policy and the
// clock moves on.

// relationCasbinModel is gatehouse's model with relations as Casbin reads
// it: r.obj is the resource's name, and g2 the roles held on it. Casbin's
// role manager for g2 also sees every role assignment, in every domain
// ("*", matched with keyMatch), which is how gatehouse reads a relation:
// through the roles and groups of its subject and the roles its role
// inherits.
const relationCasbinModel = `
[request_definition]
r = sub, perm, owner, obj

[policy_definition]
p = sub, perm, scope, eft

[role_definition]
g = _, _
g2 = _, _, _

[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))

[matchers]
m = (g(r.sub, p.sub) || g2(r.sub, p.sub, r.obj)) && keyMatch(r.perm, p.perm) && (p.scope == "any" || (p.scope == "own" && r.owner != "" && r.owner == r.sub))
`

// relationWorld is the vocabulary of one generated world.
type relationWorld struct {
	users, roles, resources int
	// parents, when set, puts resources inside others; Casbin cannot
	// follow them, so only the brute-force reference is asked then.
	parents bool
	start   time.Time
}

var relationTypes = []string{"posts", "folders", "docs"}

func (w relationWorld) subject(rng *rand.Rand) string {
	if rng.IntN(3) == 0 {
		return fmt.Sprintf("r%d", rng.IntN(w.roles))
	}
	return fmt.Sprintf("u%d", rng.IntN(w.users))
}

func (w relationWorld) role(rng *rand.Rand) string { return fmt.Sprintf("r%d", rng.IntN(w.roles)) }

func (w relationWorld) resource(rng *rand.Rand) string {
	return fmt.Sprintf("%s:%d", relationTypes[rng.IntN(len(relationTypes))], rng.IntN(w.resources))
}

func (w relationWorld) permission(rng *rand.Rand, wildcards bool) string {
	action := genActions[rng.IntN(len(genActions))]
	if wildcards && rng.IntN(5) == 0 {
		action = "*"
	}
	return relationTypes[rng.IntN(len(relationTypes))] + ":" + action
}

// expiry returns an expiry within a day of the world's start, or none.
func (w relationWorld) expiry(rng *rand.Rand) time.Time {
	if rng.IntN(3) != 0 {
		return time.Time{}
	}
	return w.start.Add(time.Duration(rng.IntN(48)-12) * time.Hour)
}

func (w relationWorld) policy(rng *rand.Rand, grants, links, relations, parents int) string {
	var b strings.Builder
	grants0 := map[Grant]bool{}
	for i := 0; i < grants; i++ {
		scope, effect := "any", "allow"
		if rng.IntN(3) == 0 {
			scope = "own"
		}
		if rng.IntN(5) == 0 {
			effect = "deny"
		}
		g := Grant{Subject: w.subject(rng), Permission: permissions.Permission(w.permission(rng, true)),
			Scope: permissions.Scope(scope), Effect: Effect(effect), Expires: w.expiry(rng)}
		if !grants0[g.key()] {
			grants0[g.key()] = true
			b.WriteString(g.String() + "\n")
		}
	}
	roles := map[RoleAssignment]bool{}
	for i := 0; i < links; i++ {
		a := RoleAssignment{Member: w.subject(rng), Role: w.role(rng), Expires: w.expiry(rng)}
		if a.Member != a.Role && !roles[a.key()] {
			roles[a.key()] = true
			b.WriteString(a.String() + "\n")
		}
	}
	given := map[Relation]bool{}
	for i := 0; i < relations; i++ {
		r := Relation{Subject: w.subject(rng), Role: w.role(rng), Resource: w.resource(rng), Expires: w.expiry(rng)}
		if r.Subject != r.Role && !given[r.key()] {
			given[r.key()] = true
			b.WriteString(r.String() + "\n")
		}
	}
	if w.parents {
		placed := map[string]bool{}
		for i := 0; i < parents; i++ {
			child, parent := w.resource(rng), w.resource(rng)
			// Parents above children in a fixed order of names: no cycle.
			if child < parent && !placed[child] {
				placed[child] = true
				fmt.Fprintf(&b, "g3, %s, %s\n", child, parent)
			}
		}
	}
	return b.String()
}

func (w relationWorld) request(rng *rand.Rand) Request {
	sub := w.subject(rng)
	if rng.IntN(8) == 0 {
		sub = "stranger"
	}
	perm := permissions.Permission(w.permission(rng, false))
	req := Request{Subject: sub, Permission: perm}
	if rng.IntN(5) != 0 {
		req.Resource.ID = fmt.Sprint(rng.IntN(w.resources + 1))
	}
	switch rng.IntN(3) {
	case 0:
		req.Resource.Owner = sub
	case 1:
		req.Resource.Owner = fmt.Sprintf("u%d", rng.IntN(w.users))
	}
	return req
}

// relationOracle loads p into Casbin's equivalent model: its grants, its
// role assignments both as "g" and, for every domain, as "g2", and the
// relations live at now. p must have no parents.
func relationOracle(t testing.TB, p Policy, now time.Time) *casbin.Enforcer {
	t.Helper()
	m, err := model.NewModelFromString(relationCasbinModel)
	require.NoError(t, err)
	enforcer, err := casbin.NewEnforcer(m)
	require.NoError(t, err)
	enforcer.AddNamedDomainMatchingFunc("g2", "keyMatch", util.KeyMatch)
	p.Grants = slices.DeleteFunc(slices.Clone(p.Grants), func(g Grant) bool { return !g.Expires.IsZero() && !now.Before(g.Expires) })
	p.Roles = slices.DeleteFunc(slices.Clone(p.Roles), func(a RoleAssignment) bool { return !a.Expires.IsZero() && !now.Before(a.Expires) })
	if len(p.Grants) > 0 {
		_, err = enforcer.AddPolicies(grantRules(p.Grants))
		require.NoError(t, err)
	}
	var everywhere [][]string
	for _, a := range p.Roles {
		everywhere = append(everywhere, []string{a.Member, a.Role, "*"})
	}
	for _, r := range p.Relations {
		if r.Expires.IsZero() || now.Before(r.Expires) {
			everywhere = append(everywhere, []string{r.Subject, r.Role, r.Resource})
		}
	}
	if len(p.Roles) > 0 {
		_, err = enforcer.AddGroupingPolicies(roleRules(p.Roles))
		require.NoError(t, err)
	}
	if len(everywhere) > 0 {
		_, err = enforcer.AddNamedGroupingPolicies("g2", everywhere)
		require.NoError(t, err)
	}
	return enforcer
}

// relationBruteForce decides req at now by reading every line of p, as
// relations are documented: the holders are found outward from the
// subject, a level at a time, each holder's role assignments first, in
// policy order, then its live relations on the resource and on each of its
// parents, nearest first, in policy order; the deciding grant is the first
// matching deny, else the first matching allow; the relation reported is
// the first on the path to the grant's holder.
func relationBruteForce(p Policy, req Request, now time.Time) (bool, Grant, Relation) {
	var chain []string
	if name := requestResource(req); name != "" {
		chain = append(chain, name)
		for len(chain) <= MaxParentDepth {
			i := slices.IndexFunc(p.Parents, func(l ResourceParent) bool { return l.Resource == chain[len(chain)-1] })
			if i < 0 {
				break
			}
			chain = append(chain, p.Parents[i].Parent)
		}
	}
	holders := []string{req.Subject}
	via := map[string]Relation{}
	level := []string{req.Subject}
	for depth := 0; depth < MaxRoleDepth && len(level) > 0; depth++ {
		var next []string
		reach := func(role string, v Relation) {
			if !slices.Contains(holders, role) {
				holders = append(holders, role)
				next = append(next, role)
				via[role] = v
			}
		}
		for _, name := range level {
			for _, a := range p.Roles {
				if a.Member == name && (a.Expires.IsZero() || now.Before(a.Expires)) {
					reach(a.Role, via[name])
				}
			}
			for _, resource := range chain {
				for _, r := range p.Relations {
					if r.Subject == name && r.Resource == resource && (r.Expires.IsZero() || now.Before(r.Expires)) {
						v := via[name]
						if v.Subject == "" {
							v = r
						}
						reach(r.Role, v)
					}
				}
			}
		}
		level = next
	}
	var allow *Grant
	for i, g := range p.Grants {
		matches := slices.Contains(holders, g.Subject) && (g.Expires.IsZero() || now.Before(g.Expires)) &&
			(g.Permission == req.Permission || g.Permission.IsWildcard() && g.Permission.Resource() == req.Permission.Resource()) &&
			(g.Scope == permissions.Any || req.Resource.Owner != "" && req.Resource.Owner == req.Subject)
		switch {
		case !matches:
		case g.Effect == Deny:
			return false, g, via[g.Subject]
		case allow == nil:
			allow = &p.Grants[i]
		}
	}
	if allow != nil {
		return true, *allow, via[allow.Subject]
	}
	return false, Grant{}, Relation{}
}

// requireRelationAnswers asks n random questions of the engine and the
// references.
func requireRelationAnswers(t testing.TB, e *Engine, w relationWorld, now time.Time, rng *rand.Rand, n int, context string) {
	t.Helper()
	p, err := e.Policy(contextBackground)
	require.NoError(t, err)
	var oracle *casbin.Enforcer
	if !w.parents {
		oracle = relationOracle(t, p, now)
	}
	for i := 0; i < n; i++ {
		req := w.request(rng)
		d, err := e.Decide(contextBackground, req)
		require.NoError(t, err)
		allowed, rule, via := relationBruteForce(p, req, now)
		if d.Allowed != allowed || d.Rule != rule || d.Relation != via {
			t.Fatalf("%s: %+v\nindex: %s\nreference: allowed %v by %v through %v\npolicy:\n%s", context, req, d.Reason(), allowed, rule, via, p)
		}
		if oracle == nil {
			continue
		}
		casbinAllowed, explain, err := oracle.EnforceEx(req.Subject, string(req.Permission), req.Resource.Owner, requestResource(req))
		require.NoError(t, err)
		if d.Allowed != casbinAllowed || d.Rule.key() != grantFromRule(explain) {
			t.Fatalf("%s: %+v\nindex: %s\ncasbin: allowed %v by %v\npolicy:\n%s", context, req, d.Reason(), casbinAllowed, explain, p)
		}
	}
}

// randomRelationEdit makes one random edit of relations, parents, grants
// or roles; refusals are part of the game and change nothing.
func randomRelationEdit(e *Engine, w relationWorld, rng *rand.Rand, now time.Time) {
	ctx := contextBackground
	switch rng.IntN(10) {
	case 0, 1:
		expires := w.expiry(rng)
		if !expires.After(now) {
			expires = time.Time{}
		}
		_ = e.AddRelation(ctx, Relation{Subject: w.subject(rng), Role: w.role(rng), Resource: w.resource(rng), Expires: expires})
	case 2:
		p, _ := e.Policy(ctx)
		if len(p.Relations) > 0 {
			_ = e.RemoveRelation(ctx, p.Relations[rng.IntN(len(p.Relations))])
		}
	case 3:
		if w.parents {
			_ = e.SetParent(ctx, w.resource(rng), w.resource(rng))
		}
	case 4:
		if w.parents {
			_ = e.RemoveParent(ctx, w.resource(rng))
		}
	case 5:
		_ = e.RemoveResource(ctx, w.resource(rng))
	case 6:
		if expires := w.expiry(rng); expires.After(now) {
			if rng.IntN(2) == 0 {
				_ = e.AssignRoleUntil(ctx, w.subject(rng), w.role(rng), expires)
			} else {
				_ = e.AddGrant(ctx, Grant{Subject: w.subject(rng), Permission: permissions.Permission(w.permission(rng, true)), Scope: permissions.Any, Expires: expires})
			}
		}
	case 7:
		if rng.IntN(3) == 0 {
			_, _ = e.SweepExpired(ctx)
		}
	default:
		randomEdit(e, rng, w.users, w.roles)
	}
}

// checkRelationIndex runs one generated world.
func checkRelationIndex(t testing.TB, seed uint64, w relationWorld, grants, links, relations, parents, questions, edits int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	now := w.start
	text := w.policy(rng, grants, links, relations, parents)
	e, err := New(contextBackground, WithPolicy(text), WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	// The engine holds the lines as written, expiries included: the
	// references read them from it.
	written, err := ParsePolicy("generated", text)
	require.NoError(t, err)
	held, err := e.Policy(contextBackground)
	require.NoError(t, err)
	require.ElementsMatch(t, written.Grants, held.Grants)
	require.ElementsMatch(t, written.Roles, held.Roles)
	require.ElementsMatch(t, written.Relations, held.Relations)
	require.ElementsMatch(t, written.Parents, held.Parents)
	requireRelationAnswers(t, e, w, now, rng, questions, fmt.Sprintf("seed %d, as loaded", seed))
	for i := 0; i < edits; i++ {
		if rng.IntN(4) == 0 {
			now = now.Add(time.Duration(rng.IntN(6)) * time.Hour)
		}
		randomRelationEdit(e, w, rng, now)
		requireRelationAnswers(t, e, w, now, rng, questions/10+1, fmt.Sprintf("seed %d, after edit %d", seed, i+1))
	}
}

var relationStart = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func TestRelationIndexMatchesCasbin(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 12; seed++ {
		w := relationWorld{users: 10, roles: 8, resources: 6, start: relationStart}
		checkRelationIndex(t, seed, w, 40, 20, 40, 0, 300, 30)
	}
}

func TestRelationIndexMatchesCasbinOnDenseGraphs(t *testing.T) {
	t.Parallel()
	// Few names, many links and relations: cycles through relations,
	// diamonds, chains longer than decisions follow.
	for seed := uint64(50); seed <= 53; seed++ {
		w := relationWorld{users: 4, roles: 12, resources: 3, start: relationStart}
		checkRelationIndex(t, seed, w, 30, 60, 60, 0, 300, 20)
	}
}

func TestRelationIndexWithParentsMatchesTheReference(t *testing.T) {
	t.Parallel()
	for seed := uint64(100); seed <= 111; seed++ {
		w := relationWorld{users: 8, roles: 8, resources: 8, parents: true, start: relationStart}
		checkRelationIndex(t, seed, w, 40, 20, 40, 30, 300, 40)
	}
}

func FuzzRelationIndexMatchesTheReferences(f *testing.F) {
	for _, seed := range []uint64{0, 1, 42, 1 << 40, 0xdeadbeef} {
		f.Add(seed, uint8(8), uint8(8), uint8(6), uint8(40), uint8(40), false)
		f.Add(seed, uint8(8), uint8(8), uint8(6), uint8(40), uint8(40), true)
	}
	f.Fuzz(func(t *testing.T, seed uint64, users, roles, resources, grants, relations uint8, parents bool) {
		w := relationWorld{users: int(users%16) + 1, roles: int(roles%16) + 2, resources: int(resources%10) + 1, parents: parents, start: relationStart}
		checkRelationIndex(t, seed, w, int(grants%60), int(grants%40), int(relations%80), int(relations%30), 100, 10)
	})
}

// requireReverseAnswers checks WhoCan and WhatCan on n random questions
// against Decide: every answer is a decision Decide makes, and every
// subject Decide allows is answered, itself or through a role answered.
func requireReverseAnswers(t testing.TB, e *Engine, w relationWorld, now time.Time, rng *rand.Rand, n int, context string) {
	t.Helper()
	p, err := e.Policy(contextBackground)
	require.NoError(t, err)
	names := []string{"stranger"}
	for i := 0; i < w.users; i++ {
		names = append(names, fmt.Sprintf("u%d", i))
	}
	for i := 0; i < w.roles; i++ {
		names = append(names, fmt.Sprintf("r%d", i))
	}
	for i := 0; i < n; i++ {
		req := w.request(rng)
		if strings.HasPrefix(req.Resource.Owner, "r") {
			// Resources are owned by subjects; a role that owns one would
			// be answered as its owner, which its members are not.
			req.Resource.Owner = "u0"
		}
		who, err := e.WhoCan(contextBackground, req.Permission, req.Resource)
		require.NoError(t, err)
		answered := map[string]Access{}
		for _, a := range who {
			answered[a.Subject] = a
			d, err := e.Decide(contextBackground, Request{Subject: a.Subject, Permission: req.Permission, Resource: req.Resource})
			require.NoError(t, err)
			if !d.Allowed || d.Rule != a.Rule || d.Relation != a.Relation {
				t.Fatalf("%s: who can %s on %+v: %v, but %s\npolicy:\n%s", context, req.Permission, req.Resource, a, d.Reason(), p)
			}
		}
		for _, name := range names {
			d, err := e.Decide(contextBackground, Request{Subject: name, Permission: req.Permission, Resource: req.Resource})
			require.NoError(t, err)
			if !d.Allowed {
				continue
			}
			if _, ok := answered[name]; ok {
				continue
			}
			covered := false
			for _, role := range liveRoles(p, name, now) {
				if a, ok := answered[role]; ok && a.Kind == AccessRole {
					covered = true
				}
			}
			if !covered {
				t.Fatalf("%s: who can %s on %+v misses %s (%s): %v\npolicy:\n%s", context, req.Permission, req.Resource, name, d.Reason(), who, p)
			}
		}
		if req.Resource.ID == "" {
			continue
		}
		typed := req.Resource
		typed.Type = req.Permission.Resource()
		what, err := e.WhatCan(contextBackground, req.Subject, typed)
		require.NoError(t, err)
		for _, d := range what {
			again, err := e.Decide(contextBackground, d.Request)
			require.NoError(t, err)
			require.Equal(t, again, d, context)
		}
		for _, action := range genActions {
			perm := permissions.Permission(typed.Type + ":" + action)
			d, err := e.Decide(contextBackground, Request{Subject: req.Subject, Permission: perm, Resource: typed})
			require.NoError(t, err)
			named := slices.ContainsFunc(p.Grants, func(g Grant) bool { return g.Permission == perm })
			listed := slices.ContainsFunc(what, func(x Decision) bool { return x.Request.Permission == perm })
			if d.Allowed && named != listed {
				t.Fatalf("%s: what can %s do to %+v: %s is allowed (%s) but listed %v", context, req.Subject, typed, perm, d.Reason(), listed)
			}
		}
	}
}

// liveRoles returns the roles name holds through role assignments live at
// now, within MaxRoleDepth.
func liveRoles(p Policy, name string, now time.Time) []string {
	held := []string{}
	level := []string{name}
	for depth := 0; depth < MaxRoleDepth && len(level) > 0; depth++ {
		var next []string
		for _, a := range p.Roles {
			if slices.Contains(level, a.Member) && (a.Expires.IsZero() || now.Before(a.Expires)) && !slices.Contains(held, a.Role) {
				held = append(held, a.Role)
				next = append(next, a.Role)
			}
		}
		level = next
	}
	return held
}

func TestReverseQueriesMatchDecide(t *testing.T) {
	t.Parallel()
	for seed := uint64(200); seed <= 207; seed++ {
		w := relationWorld{users: 8, roles: 8, resources: 6, parents: seed%2 == 0, start: relationStart}
		rng := rand.New(rand.NewPCG(seed, seed))
		now := w.start
		e, err := New(contextBackground, WithPolicy(w.policy(rng, 40, 20, 40, 20)), WithClock(func() time.Time { return now }))
		require.NoError(t, err)
		requireReverseAnswers(t, e, w, now, rng, 100, fmt.Sprintf("seed %d, as loaded", seed))
		for i := 0; i < 20; i++ {
			now = now.Add(time.Duration(rng.IntN(3)) * time.Hour)
			randomRelationEdit(e, w, rng, now)
			requireReverseAnswers(t, e, w, now, rng, 10, fmt.Sprintf("seed %d, after edit %d", seed, i+1))
		}
	}
}

// requireFilterAnswers checks that Filter admits exactly the resources
// Decide allows, for every resource of the world, owned by the subject,
// by another or by nobody.
func requireFilterAnswers(t testing.TB, e *Engine, w relationWorld, rng *rand.Rand, n int, context string) {
	t.Helper()
	for i := 0; i < n; i++ {
		req := w.request(rng)
		f, err := e.Filter(contextBackground, req.Subject, req.Permission)
		require.NoError(t, err)
		for id := 0; id <= w.resources; id++ {
			for _, owner := range []string{"", req.Subject, "u0"} {
				r := Resource{ID: fmt.Sprint(id), Owner: owner}
				d, err := e.Decide(contextBackground, Request{Subject: req.Subject, Permission: req.Permission, Resource: r})
				require.NoError(t, err)
				if got := f.AllowsResource(r.ID, owner); got != d.Allowed {
					p, _ := e.Policy(contextBackground)
					t.Fatalf("%s: filter for %s %s admits %+v: %v, decision: %s\nfilter: %+v\npolicy:\n%s", context, req.Subject, req.Permission, r, got, d.Reason(), f, p)
				}
			}
		}
	}
}

func TestFilterMatchesDecide(t *testing.T) {
	t.Parallel()
	for seed := uint64(300); seed <= 311; seed++ {
		w := relationWorld{users: 8, roles: 8, resources: 6, parents: seed%2 == 0, start: relationStart}
		rng := rand.New(rand.NewPCG(seed, seed))
		now := w.start
		e, err := New(contextBackground, WithPolicy(w.policy(rng, 30, 15, 40, 20)), WithClock(func() time.Time { return now }))
		require.NoError(t, err)
		requireFilterAnswers(t, e, w, rng, 60, fmt.Sprintf("seed %d, as loaded", seed))
		for i := 0; i < 20; i++ {
			now = now.Add(time.Duration(rng.IntN(3)) * time.Hour)
			randomRelationEdit(e, w, rng, now)
			requireFilterAnswers(t, e, w, rng, 6, fmt.Sprintf("seed %d, after edit %d", seed, i+1))
		}
	}
}
