package gormstore_test

import (
	"context"
	"sync"
	"testing"

	gormadapter "github.com/casbin/gorm-adapter/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// decisionProbe is a set of requests whose answers must survive a restart.
var decisionProbe = []authz.Request{
	{Subject: "bob", Permission: "posts:read", Resource: authz.Resource{Owner: "bob"}},
	{Subject: "bob", Permission: "users:read"},
	{Subject: "bob", Permission: "comments:write"},
	{Subject: "carol", Permission: "posts:delete", Resource: authz.Resource{Owner: "bob"}},
	{Subject: "carol", Permission: "policy:read"},
	{Subject: "alice", Permission: "users:delete", Resource: authz.Resource{Owner: "bob"}},
	{Subject: "dave", Permission: "posts:write"},
	{Subject: "erin", Permission: "posts:update", Resource: authz.Resource{Owner: "erin"}},
	{Subject: "key:ci", Permission: "posts:read", Resource: authz.Resource{Owner: "bob"}},
}

func decideAll(t *testing.T, e *authz.Engine) []bool {
	t.Helper()
	answers := make([]bool, len(decisionProbe))
	for i, req := range decisionProbe {
		d, err := e.Decide(context.Background(), req)
		require.NoError(t, err)
		answers[i] = d.Allowed
	}
	return answers
}

func TestPersistenceRoundTrip(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		db := store.Open(t)
		e, err := authz.New(ctx, withDB(t, db))
		require.NoError(t, err)

		// Every kind of edit, including ones undone, so the store must follow
		// removals as well as additions.
		require.NoError(t, e.AssignRole(ctx, "bob", "user"))
		require.NoError(t, e.AssignRole(ctx, "carol", "moderator"))
		require.NoError(t, e.AssignRole(ctx, "alice", "admin"))
		require.NoError(t, e.SetRoles(ctx, "dave", []string{"user", "suspended"}))
		require.NoError(t, e.SetRoles(ctx, "erin", []string{"admin"}))
		require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "comments:write", Scope: permissions.Any}))
		require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "auditor", Permission: "policy:read", Scope: permissions.Any}))
		require.NoError(t, e.AddInheritance(ctx, "moderator", "auditor"))
		require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "erin", Permission: "posts:update", Scope: permissions.Own, Effect: authz.Deny}))
		require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "key:ci", Permission: "posts:read", Scope: permissions.Any}))
		require.NoError(t, e.AssignRole(ctx, "bob", "moderator"))
		require.NoError(t, e.UnassignRole(ctx, "bob", "moderator"))
		require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "user", Permission: "comments:delete", Scope: permissions.Own}))
		require.NoError(t, e.RemoveGrant(ctx, authz.Grant{Subject: "user", Permission: "comments:delete", Scope: permissions.Own}))
		require.NoError(t, e.SetRoles(ctx, "frank", []string{"admin"}))
		require.NoError(t, e.RemoveSubject(ctx, "frank"))

		wantPolicy, err := e.Policy(ctx)
		require.NoError(t, err)
		wantAnswers := decideAll(t, e)
		assert.Equal(t, []bool{true, false, true, true, true, true, false, false, true}, wantAnswers)

		// Close the database and open it again.
		sqlDB, err := db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())

		reopened, err := authz.New(ctx, withDB(t, store.Open(t)))
		require.NoError(t, err)
		gotPolicy, err := reopened.Policy(ctx)
		require.NoError(t, err)
		assert.Equal(t, wantPolicy, gotPolicy, "the same rules, in the same order")
		assert.Equal(t, wantAnswers, decideAll(t, reopened))
	})
}

func TestSeedsOnceAndNeverAgain(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		e, err := authz.New(ctx, withDB(t, store.Open(t)))
		require.NoError(t, err)
		p, err := e.Policy(ctx)
		require.NoError(t, err)
		require.Len(t, p.Grants, 18, "a new store starts with the default policy")

		// An administrator empties the policy on purpose...
		for _, g := range p.Grants {
			require.NoError(t, e.RemoveGrant(ctx, g))
		}
		for _, a := range p.Roles {
			require.NoError(t, e.UnassignRole(ctx, a.Member, a.Role))
		}

		// ...and a restart must not bring the default grants back.
		again, err := authz.New(ctx, withDB(t, store.Open(t)))
		require.NoError(t, err)
		p, err = again.Policy(ctx)
		require.NoError(t, err)
		assert.Empty(t, p.Grants)
		assert.Empty(t, p.Roles)
	})
}

func TestStoreWithRulesIsNotSeeded(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)

		// A table written by Casbin's own tools before gatehouse opened it.
		adapter, err := gormadapter.NewAdapterByDB(db)
		require.NoError(t, err)
		require.NoError(t, adapter.AddPolicy("p", "p", []string{"editor", "articles:update", "any", "allow"}))

		e, err := authz.New(ctx, withDB(t, db))
		require.NoError(t, err)
		p, err := e.Policy(ctx)
		require.NoError(t, err)
		assert.Equal(t, authz.Policy{Grants: []authz.Grant{{Subject: "editor", Permission: "articles:update", Scope: permissions.Any, Effect: authz.Allow}}}, p)
	})
}

func TestWithPolicySeedsTheStore(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		_, err := authz.New(ctx, withDB(t, store.Open(t)), authz.WithPolicy("p, editor, articles:update, any, allow"))
		require.NoError(t, err)

		// Later starts read the store; their initial policy is not applied again.
		e, err := authz.New(ctx, withDB(t, store.Open(t)), authz.WithPolicy("p, other, x:y, any, allow"))
		require.NoError(t, err)
		p, err := e.Policy(ctx)
		require.NoError(t, err)
		assert.Equal(t, "p, editor, articles:update, any, allow\n", p.String())
	})
}

func TestConcurrentFirstStartsSeedOnce(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		const starters = 4
		engines := make([]*authz.Engine, starters)
		errs := make([]error, starters)
		var wg sync.WaitGroup
		for i := range engines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				engines[i], errs[i] = authz.New(ctx, withDB(t, store.Open(t)))
			}()
		}
		wg.Wait()
		for i := range engines {
			require.NoError(t, errs[i])
		}
		final, err := authz.New(ctx, withDB(t, store.Open(t)))
		require.NoError(t, err)
		p, err := final.Policy(ctx)
		require.NoError(t, err)
		assert.Len(t, p.Grants, 18)
		assert.Len(t, p.Roles, 2)
	})
}

func TestTablesAreIndependent(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		blog, err := authz.New(ctx, withDB(t, db, gormstore.WithTable("blog_policy")))
		require.NoError(t, err)
		shop, err := authz.New(ctx, withDB(t, db, gormstore.WithTable("shop_policy")), authz.WithPolicy(""))
		require.NoError(t, err)

		require.NoError(t, shop.AddGrant(ctx, authz.Grant{Subject: "clerk", Permission: "orders:read", Scope: permissions.Any}))
		p, err := blog.Policy(ctx)
		require.NoError(t, err)
		assert.Len(t, p.Grants, 18)
		p, err = shop.Policy(ctx)
		require.NoError(t, err)
		assert.Len(t, p.Grants, 1)

		for _, bad := range []string{"", "policy; DROP TABLE users", "1table", "a-b", "schema.table"} {
			_, err := gormstore.New(ctx, db, gormstore.WithTable(bad))
			assert.ErrorIs(t, err, gormstore.ErrInvalidTable, "table %q", bad)
		}
	})
}

func TestStoreWithAMalformedRowIsRefused(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		_, err := authz.New(ctx, withDB(t, db))
		require.NoError(t, err)

		// Somebody writes a rule gatehouse cannot interpret straight into the table.
		require.NoError(t, db.Exec("INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES ('p', 'user', 'posts:read', 'everything', 'allow')").Error)
		_, err = authz.New(ctx, withDB(t, db))
		require.ErrorIs(t, err, authz.ErrInvalidPolicy)
		require.ErrorIs(t, err, permissions.ErrInvalidScope)
		var perr *authz.PolicyError
		require.ErrorAs(t, err, &perr)
		assert.Equal(t, "casbin_rule", perr.Source)
		assert.Equal(t, "p, user, posts:read, everything, allow", perr.Text)
	})
}

func TestStoreFailureChangesNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		e := newEngine(t, withDB(t, db))
		before, err := e.Policy(ctx)
		require.NoError(t, err)

		sqlDB, err := db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())

		edits := map[string]func() error{
			"AddGrant": func() error {
				return e.AddGrant(ctx, authz.Grant{Subject: "bob", Permission: "users:delete", Scope: permissions.Any})
			},
			"RemoveGrant": func() error {
				return e.RemoveGrant(ctx, authz.Grant{Subject: "user", Permission: "posts:read", Scope: permissions.Own})
			},
			"AssignRole":    func() error { return e.AssignRole(ctx, "bob", "admin") },
			"UnassignRole":  func() error { return e.UnassignRole(ctx, "carol", "moderator") },
			"SetRoles":      func() error { return e.SetRoles(ctx, "bob", []string{"admin"}) },
			"RemoveSubject": func() error { return e.RemoveSubject(ctx, "alice") },
		}
		for name, edit := range edits {
			assert.ErrorIs(t, edit(), authz.ErrStore, name)
		}
		after, err := e.Policy(ctx)
		require.NoError(t, err)
		assert.Equal(t, before, after, "memory keeps what the store has")
		assert.False(t, allowed(t, e, "bob", "users:delete", ""))
		assert.True(t, allowed(t, e, "alice", "users:delete", ""), "decisions go on from memory")

		assert.ErrorIs(t, e.Reload(ctx), authz.ErrStore)
		assert.True(t, allowed(t, e, "alice", "users:delete", ""), "a failed reload keeps the policy in force")
	})
}

func TestReloadSeesOtherWriters(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		ctx := context.Background()
		store := backend.New(t)
		a, err := authz.New(ctx, withDB(t, store.Open(t)))
		require.NoError(t, err)
		b, err := authz.New(ctx, withDB(t, store.Open(t)))
		require.NoError(t, err)

		require.NoError(t, a.AssignRole(ctx, "bob", "admin"))
		assert.True(t, allowed(t, a, "bob", "users:delete", ""))
		assert.False(t, allowed(t, b, "bob", "users:delete", ""), "b has not reloaded yet")
		require.NoError(t, b.Reload(ctx))
		assert.True(t, allowed(t, b, "bob", "users:delete", ""))

		// A reload that meets a malformed row keeps the policy in force.
		db := store.Open(t)
		require.NoError(t, db.Exec("INSERT INTO casbin_rule (ptype, v0, v1) VALUES ('g', 'eve', 'eve')").Error)
		require.ErrorIs(t, b.Reload(ctx), authz.ErrCycle)
		assert.True(t, allowed(t, b, "bob", "users:delete", ""))

		memory, err := authz.New(ctx)
		require.NoError(t, err)
		assert.NoError(t, memory.Reload(ctx), "an engine without a store has nothing to reload")
	})
}

// Names that differ only in case, accents or trailing spaces are different
// names in the store as in memory, on every database.
func TestStoreComparesNamesExactly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		e, err := authz.New(ctx, withDB(t, store.Open(t)), authz.WithPolicy(""))
		require.NoError(t, err)
		for _, name := range []string{"bob", "Bob", "BOB", "böb"} {
			require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: name, Permission: "posts:read", Scope: permissions.Any}), name)
			require.NoError(t, e.AssignRole(ctx, name, "user"), name)
		}
		require.NoError(t, e.RemoveGrant(ctx, authz.Grant{Subject: "Bob", Permission: "posts:read", Scope: permissions.Any}))
		require.NoError(t, e.RemoveSubject(ctx, "BOB"))

		want, err := e.Policy(ctx)
		require.NoError(t, err)
		assert.Len(t, want.Grants, 2)
		assert.Len(t, want.Roles, 3)
		restarted, err := authz.New(ctx, withDB(t, store.Open(t)))
		require.NoError(t, err)
		got, err := restarted.Policy(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got, "the store removed exactly what memory removed")
	})
}
