package gormstore_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
)

// longTenant is a tenant name as long as names may be.
var longTenant = strings.Repeat("t", authz.MaxNameLength)

// hostileTenants are tenants whose names are wildcards or quotes in SQL,
// or differ from "acme" only after its name: a load of acme's rules must
// find none of theirs, nor theirs acme's.
var hostileTenants = []string{"acme-corp", "acmeX", "acme0", "ac%e", "acm_", "a_me/eu", "o'brien", "ünïcødé", longTenant}

// quiet keeps the engines' reports on replication out of test output.
var quiet = slog.New(slog.DiscardHandler)

// tenantTestModel makes an engine use the model with tenants.
var tenantTestModel = authz.WithModel(gatehouse.TenantModel())

// openTenantStore opens the policy store on db, failing the test on
// error.
func openTenantStore(t testing.TB, db *gorm.DB) *gormstore.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return s
}

// writeTenantPolicy writes, through e's edits, a policy spread over
// tenants: acme with acme/eu and acme/eu/paris below it, globex, the
// hostile tenants, and rules for every tenant.
func writeTenantPolicy(t *testing.T, e *authz.Engine) {
	t.Helper()
	ctx := context.Background()
	everywhere := e.Tenant(authz.AllTenants)
	require.NoError(t, everywhere.AddGrant(ctx, authz.Grant{Subject: "auditor", Permission: "billing:read", Scope: permissions.Any}))
	require.NoError(t, everywhere.AssignRole(ctx, "ops", "auditor"))
	require.NoError(t, everywhere.AddInheritance(ctx, "admin", "member"))
	for i, name := range append([]string{"acme", "acme/eu", "acme/eu/paris", "globex"}, hostileTenants...) {
		tenant := e.Tenant(name)
		require.NoError(t, tenant.AddGrant(ctx, authz.Grant{Subject: "admin", Permission: "users:*", Scope: permissions.Any}), name)
		require.NoError(t, tenant.AddGrant(ctx, authz.Grant{Subject: "member", Permission: "posts:read", Scope: permissions.Any}), name)
		require.NoError(t, tenant.AssignRole(ctx, holder("admin", name), "admin"), name)
		require.NoError(t, tenant.AssignRole(ctx, holder("member", name), "member"), name)
		if i%2 == 0 {
			require.NoError(t, tenant.AddGrant(ctx, authz.Grant{Subject: "member", Permission: "billing:read", Scope: permissions.Any, Effect: authz.Deny}), name)
		}
	}
}

// holder names the subject writeTenantPolicy gives role in tenant.
func holder(role, tenant string) string {
	if tenant == longTenant {
		tenant = "long"
	}
	return role + "-of-" + tenant
}

// tableLines returns the rows of table as policy lines, in order.
func tableLines(t *testing.T, db *gorm.DB, table string) []string {
	t.Helper()
	var rows []gormadapter.CasbinRule
	require.NoError(t, db.Table(table).Order("id").Find(&rows).Error)
	out := make([]string, len(rows))
	for i, r := range rows {
		values := []string{r.Ptype, r.V0, r.V1, r.V2, r.V3, r.V4, r.V5}
		for values[len(values)-1] == "" {
			values = values[:len(values)-1]
		}
		out[i] = strings.Join(values, ", ")
	}
	return out
}

// only returns the rules of p whose tenant f matches.
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

// tenantProbe is a set of requests in flat tenants, which Casbin and
// gatehouse read alike, and in nested ones.
func tenantProbe(nested bool) []authz.Request {
	subjects := []string{"admin-of-acme", "member-of-acme", "admin-of-globex", "member-of-ac%e", "ops", "nobody"}
	tenants := []string{"acme", "globex", "acme-corp", "ac%e", "acm_", "o'brien", ""}
	if nested {
		tenants = append(tenants, "acme/eu", "acme/eu/paris", "acme/us", "globex/eu")
	}
	var out []authz.Request
	for _, s := range subjects {
		for _, tenant := range tenants {
			for _, p := range []permissions.Permission{"users:invite", "posts:read", "billing:read"} {
				out = append(out, authz.Request{Subject: s, Tenant: tenant, Permission: p})
			}
		}
	}
	return out
}

func decideEach(t *testing.T, e *authz.Engine, reqs []authz.Request) []bool {
	t.Helper()
	out := make([]bool, len(reqs))
	for i, req := range reqs {
		d, err := e.Decide(context.Background(), req)
		require.NoError(t, err, "%+v", req)
		out[i] = d.Allowed
	}
	return out
}

func TestTenantPolicyPersists(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		db := store.Open(t)
		e, err := authz.New(ctx, tenantTestModel, authz.WithStore(openTenantStore(t, db)))
		require.NoError(t, err)
		writeTenantPolicy(t, e)
		acme := e.Tenant("acme")
		require.NoError(t, acme.AssignRole(ctx, "bob", "member"))
		require.NoError(t, acme.SetRoles(ctx, "bob", []string{"admin"}))
		require.NoError(t, acme.RemoveGrant(ctx, authz.Grant{Subject: "member", Permission: "billing:read", Scope: permissions.Any, Effect: authz.Deny}))

		// The rows are in the columns Casbin's RBAC with domains reads.
		lines := tableLines(t, db, gormstore.DefaultTable)
		assert.Equal(t, []string{
			"p, auditor, *, billing:read, any, allow",
			"g, ops, auditor, *",
			"g, admin, member, *",
			"p, admin, acme, users:*, any, allow",
			"p, member, acme, posts:read, any, allow",
			"g, admin-of-acme, admin, acme",
			"g, member-of-acme, member, acme",
		}, lines[:7])
		assert.Contains(t, lines, "g, bob, admin, acme")
		assert.NotContains(t, lines, "g, bob, member, acme")
		assert.NotContains(t, lines, "p, member, acme, billing:read, any, deny")
		assert.Contains(t, lines, "p, member, acme/eu/paris, billing:read, any, deny")
		assert.Contains(t, lines, "g, admin-of-o'brien, admin, o'brien")
		assert.Contains(t, lines, "p, admin, "+longTenant+", users:*, any, allow")

		want, err := e.Policy(ctx)
		require.NoError(t, err)
		answers := decideEach(t, e, tenantProbe(true))
		assert.Contains(t, answers, true)
		assert.Contains(t, answers, false)

		// A restart on the same database decides the same.
		sqlDB, err := db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())
		restarted, err := authz.New(ctx, tenantTestModel, authz.WithStore(openTenantStore(t, store.Open(t))))
		require.NoError(t, err)
		got, err := restarted.Policy(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got, "the same rules, in the same order")
		assert.Equal(t, answers, decideEach(t, restarted, tenantProbe(true)))
		tenants, err := restarted.Tenants(ctx, "bob")
		require.NoError(t, err)
		assert.Equal(t, []string{"acme"}, tenants)
	})
}

func TestRemoveTenantRemovesItsRows(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		e, err := authz.New(ctx, tenantTestModel, authz.WithStore(openTenantStore(t, db)))
		require.NoError(t, err)
		writeTenantPolicy(t, e)
		before := tableLines(t, db, gormstore.DefaultTable)

		require.NoError(t, e.RemoveTenant(ctx, "acme"))
		after := tableLines(t, db, gormstore.DefaultTable)
		var kept []string
		for _, l := range before {
			if !strings.Contains(l, ", acme,") && !strings.HasSuffix(l, ", acme") &&
				!strings.Contains(l, ", acme/") {
				kept = append(kept, l)
			}
		}
		assert.Equal(t, kept, after, "acme and the tenants below it are gone, every other row stays")
		assert.Less(t, len(after), len(before))
		for _, name := range hostileTenants {
			assert.Contains(t, after, "g, "+holder("admin", name)+", admin, "+name)
		}

		restarted, err := authz.New(ctx, tenantTestModel, authz.WithStore(openTenantStore(t, db)))
		require.NoError(t, err)
		tenants, err := restarted.Tenants(ctx, "admin-of-acme/eu")
		require.NoError(t, err)
		assert.Empty(t, tenants)
	})
}

// Casbin's own enforcer, with its GORM adapter on the same table and the
// shipped model with tenants, decides as gatehouse does in flat tenants.
func TestCasbinReadsTheTenantTable(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		e, err := authz.New(ctx, tenantTestModel, authz.WithStore(openTenantStore(t, db)))
		require.NoError(t, err)
		writeTenantPolicy(t, e)

		adapter, err := gormadapter.NewAdapterByDBUseTableName(db, "", gormstore.DefaultTable)
		require.NoError(t, err)
		m, err := model.NewModelFromString(gatehouse.TenantModel())
		require.NoError(t, err)
		enforcer, err := casbin.NewEnforcer(m, adapter)
		require.NoError(t, err)
		for _, req := range tenantProbe(false) {
			if req.Tenant == "" {
				continue // Casbin has no notion of the platform's level
			}
			want, err := enforcer.Enforce(req.Subject, req.Tenant, string(req.Permission), req.Resource.Owner)
			require.NoError(t, err)
			d, err := e.Decide(ctx, req)
			require.NoError(t, err)
			assert.Equal(t, want, d.Allowed, "%+v", req)
		}
	})
}

func TestRestrictedEngineLoadsItsTenants(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		full, err := authz.New(ctx, tenantTestModel, authz.WithStore(openTenantStore(t, store.Open(t))))
		require.NoError(t, err)
		writeTenantPolicy(t, full)
		whole, err := full.Policy(ctx)
		require.NoError(t, err)

		restricted, err := authz.New(ctx, tenantTestModel, authz.WithTenants("acme/eu"),
			authz.WithStore(openTenantStore(t, store.Open(t))))
		require.NoError(t, err)
		got, err := restricted.Policy(ctx)
		require.NoError(t, err)
		want := only(whole, authz.TenantFilter{Tenants: []string{"acme/eu"}, Above: []string{"acme", authz.AllTenants}})
		assert.Equal(t, want, got, "acme/eu and below, acme exactly, and every tenant's rules, in order")
		assert.Len(t, got.Grants, 2+2+2+1+1+1) // acme, acme/eu, acme/eu/paris (and two denies), "*"

		// It decides as the whole policy does where it holds, and refuses
		// elsewhere.
		for _, req := range tenantProbe(true) {
			if req.Tenant != "acme/eu" && req.Tenant != "acme/eu/paris" {
				continue
			}
			wantD, err := full.Decide(ctx, req)
			require.NoError(t, err)
			gotD, err := restricted.Decide(ctx, req)
			require.NoError(t, err)
			assert.Equal(t, wantD.Allowed, gotD.Allowed, "%+v", req)
		}
		for _, edit := range []func() error{
			func() error { return restricted.Tenant("globex").AssignRole(ctx, "bob", "admin") },
			func() error { return restricted.Tenant("acme").AssignRole(ctx, "bob", "admin") },
			func() error {
				return restricted.Tenant("acme-corp").AddGrant(ctx, authz.Grant{Subject: "admin", Permission: "x:y", Scope: permissions.Any})
			},
			func() error { return restricted.RemoveTenant(ctx, "ac%e") },
		} {
			assert.ErrorIs(t, edit(), authz.ErrInvalidTenant)
		}
		require.NoError(t, restricted.Tenant("acme/eu/paris").AssignRole(ctx, "bob", "admin"))
		require.NoError(t, full.Reload(ctx))
		roles, err := full.Tenant("acme/eu/paris").AssignedRoles(ctx, "bob")
		require.NoError(t, err)
		assert.Equal(t, []string{"admin"}, roles)
	})
}

// LoadTenants matches names exactly, whatever they hold: SQL's wildcards
// and quotes are characters of the name.
func TestLoadTenantsMatchesNamesExactly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		s := openTenantStore(t, db)
		e, err := authz.New(ctx, tenantTestModel, authz.WithStore(s))
		require.NoError(t, err)
		writeTenantPolicy(t, e)
		// A tenant below one of the hostile names, to be found by prefix.
		require.NoError(t, e.Tenant("ac%e/x_y").AssignRole(ctx, "carol", "admin"))
		whole, revision, err := s.Load(ctx)
		require.NoError(t, err)

		filters := map[string]authz.TenantFilter{
			"acme":               {Tenants: []string{"acme"}},
			"percent":            {Tenants: []string{"ac%e"}},
			"percent prefix":     {Tenants: []string{"ac%"}},
			"underscore":         {Tenants: []string{"acm_"}},
			"underscore level":   {Tenants: []string{"a_me"}},
			"quote":              {Tenants: []string{"o'brien"}},
			"unicode":            {Tenants: []string{"ünïcødé"}},
			"long":               {Tenants: []string{longTenant}},
			"above only":         {Above: []string{"acme", "ac%e"}},
			"every tenant":       {Above: []string{authz.AllTenants}},
			"wildcard as a name": {Tenants: []string{"%"}, Above: []string{"_", "%"}},
			"injection":          {Tenants: []string{"x' OR '1'='1"}, Above: []string{"') OR 1=1 --"}},
			"several":            {Tenants: []string{"acme/eu", "globex", "ac%e"}, Above: []string{"acme", authz.AllTenants}},
			"overlapping":        {Tenants: []string{"acme", "acme/eu"}, Above: []string{"acme"}},
			"none":               {},
		}
		for name, f := range filters {
			t.Run(name, func(t *testing.T) {
				got, rev, err := s.LoadTenants(ctx, f)
				require.NoError(t, err)
				assert.Equal(t, revision, rev)
				assert.Equal(t, only(whole, f), got)
			})
		}
		assert.NotEmpty(t, only(whole, filters["percent"]).Roles)

		// Names no rule can have are refused before the database is asked
		// (the conformance suite tries many more).
		for _, f := range []authz.TenantFilter{{Tenants: []string{""}}, {Above: []string{""}},
			{Tenants: []string{longTenant + "t"}}, {Tenants: []string{"acme", "ac%e/"}}} {
			_, _, err := s.LoadTenants(ctx, f)
			assert.ErrorIs(t, err, authz.ErrInvalidTenant)
		}
	})
}

// Rows of a shape gatehouse cannot read are reported with the row, whether
// the whole table or some tenants' rules are loaded.
func TestStoreReportsRowsOfAnotherShape(t *testing.T) {
	t.Parallel()
	rows := map[string]string{
		"grant of 3 values":           "('p', 'user', 'posts:read', 'any', '', '', '')",
		"grant of 6 values":           "('p', 'admin', 'acme', 'users:*', 'any', 'allow', 'x')",
		"grant without its tenant":    "('p', 'admin', '', 'users:*', 'any', 'allow', '')",
		"role assignment of 1 value":  "('g', 'alice', '', '', '', '', '')",
		"role assignment of 4 values": "('g', 'alice', 'admin', 'acme', 'x', '', '')",
		"relation of 2 values":        "('g2', 'carol', 'editor', '', '', '', '')",
		"relation of 5 values":        "('g2', 'carol', 'editor', 'posts:42', 'until 2026-12-04T17:00:00Z', 'x', '')",
		"relation of 4 values":        "('g2', 'carol', 'editor', 'posts:42', 'acme', '', '')",
		"relation with a bad expiry":  "('g2', 'carol', 'editor', 'posts:42', 'until Friday', '', '')",
		"expiry in another zone":      "('g2', 'carol', 'editor', 'posts:42', 'until 2026-12-04T18:00:00+01:00', '', '')",
		"expiry with a fraction":      "('g2', 'carol', 'editor', 'posts:42', 'until 2026-12-04T17:00:00.5Z', '', '')",
		"relation with a gap":         "('g2', 'carol', '', 'posts:42', '', '', '')",
		"parent of 1 value":           "('g3', 'docs:9', '', '', '', '', '')",
		"parent with a gap":           "('g3', '', 'folders:7', '', '', '', '')",
		"parent of 3 values":          "('g3', 'docs:9', 'folders:7', 'folders:1', '', '', '')",
		"unknown kind":                "('g4', 'alice', 'admin', 'acme', '', '', '')",
	}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		for name, values := range rows {
			t.Run(name, func(t *testing.T) {
				db := b.Open(t)
				s := openTenantStore(t, db)
				require.NoError(t, db.Exec("INSERT INTO casbin_rule (ptype, v0, v1, v2, v3, v4, v5) VALUES "+values).Error)
				_, _, err := s.Load(ctx)
				var perr *authz.PolicyError
				require.ErrorAs(t, err, &perr)
				assert.ErrorIs(t, err, authz.ErrInvalidPolicy)
				assert.Equal(t, "casbin_rule", perr.Source)
				_, err = authz.New(ctx, tenantTestModel, authz.WithStore(s))
				assert.ErrorIs(t, err, authz.ErrInvalidPolicy)
			})
		}
	})
}

// countingStore counts the loads of a store and the edits it refused as
// stale.
type countingStore struct {
	*gormstore.Store
	loads, stale atomic.Int64
}

func (c *countingStore) Load(ctx context.Context) (authz.Policy, int64, error) {
	c.loads.Add(1)
	return c.Store.Load(ctx)
}

func (c *countingStore) LoadTenants(ctx context.Context, f authz.TenantFilter) (authz.Policy, int64, error) {
	c.loads.Add(1)
	return c.Store.LoadTenants(ctx, f)
}

func (c *countingStore) Apply(ctx context.Context, change authz.Change, base int64) (int64, error) {
	revision, err := c.Store.Apply(ctx, change, base)
	if errors.Is(err, authz.ErrStale) {
		c.stale.Add(1)
	}
	return revision, err
}

func TestTenantReplicasFollowEachOther(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		hub := watch.NewLocal()
		t.Cleanup(func() { _ = hub.Close() })
		replica := func(opts ...authz.Option) (*authz.Engine, *countingStore) {
			s := &countingStore{Store: openTenantStore(t, store.Open(t))}
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			// A long interval: only messages bring peers' edits.
			e, err := authz.New(ctx, append([]authz.Option{tenantTestModel, authz.WithStore(s), authz.WithNotifier(hub),
				authz.WithSyncInterval(time.Minute), authz.WithLogger(quiet)}, opts...)...)
			require.NoError(t, err)
			t.Cleanup(e.Close)
			return e, s
		}
		a, _ := replica()
		peer, _ := replica()
		restricted, counted := replica(authz.WithTenants("acme"))
		loads := counted.loads.Load()

		writeTenantPolicy(t, a)
		require.NoError(t, a.Tenant("globex").AssignRole(ctx, "bob", "admin"))
		require.NoError(t, a.Tenant("acme/eu").AssignRole(ctx, "bob", "admin"))
		require.NoError(t, a.RemoveTenant(ctx, "acme/eu/paris"))
		require.NoError(t, a.RemoveTenant(ctx, "globex"))
		// The last edit is in acme: once the restricted replica shows it,
		// it has been through every message before it.
		require.NoError(t, a.Tenant("acme").AssignRole(ctx, "dave", "viewer"))

		acme := authz.TenantFilter{Tenants: []string{"acme"}, Above: []string{authz.AllTenants}}
		require.Eventually(t, func() bool {
			want, err := a.Policy(ctx)
			if err != nil {
				return false
			}
			got, err1 := peer.Policy(ctx)
			shard, err2 := restricted.Policy(ctx)
			return err1 == nil && err2 == nil && assert.ObjectsAreEqual(want, got) &&
				assert.ObjectsAreEqual(only(want, acme), shard)
		}, 15*time.Second, 5*time.Millisecond, "replicas never agreed on the policy")

		// The restricted replica applied each edit, its tenants' or not, as
		// it came: it never reloaded, and it is at the store's revision, so
		// its own edit goes through at once.
		require.NoError(t, restricted.Tenant("acme").AssignRole(ctx, "carol", "member"))
		assert.Equal(t, loads, counted.loads.Load(), "no reload")
		assert.Zero(t, counted.stale.Load(), "no stale edit")
		require.NoError(t, restricted.Err())
		require.Eventually(t, func() bool {
			roles, err := peer.Tenant("acme").AssignedRoles(ctx, "carol")
			return err == nil && len(roles) == 1
		}, 15*time.Second, 5*time.Millisecond, "the peer never heard of the restricted replica's edit")
		d, err := restricted.Decide(ctx, authz.Request{Subject: "bob", Tenant: "acme/eu", Permission: "users:invite"})
		require.NoError(t, err)
		assert.True(t, d.Allowed)
		_, err = restricted.Decide(ctx, authz.Request{Subject: "bob", Tenant: "globex", Permission: "users:invite"})
		assert.ErrorIs(t, err, authz.ErrInvalidTenant)
	})
}

// An initial policy with tenants seeds the table in Casbin's columns, and
// an engine on the model without tenants refuses the table.
func TestTenantPolicySeedsTheStore(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		initial := "p, admin, acme, users:*, any, allow\np, auditor, *, billing:read, any, allow\n" +
			"g, alice, admin, acme\ng, ops, auditor, *\n"
		e, err := authz.New(ctx, tenantTestModel, authz.WithStore(openTenantStore(t, db)), authz.WithPolicy(initial))
		require.NoError(t, err)
		assert.Equal(t, []string{
			"p, admin, acme, users:*, any, allow",
			"p, auditor, *, billing:read, any, allow",
			"g, alice, admin, acme",
			"g, ops, auditor, *",
		}, tableLines(t, db, gormstore.DefaultTable))
		d, err := e.Decide(ctx, authz.Request{Subject: "alice", Tenant: "acme", Permission: "users:invite"})
		require.NoError(t, err)
		assert.True(t, d.Allowed)

		_, err = authz.New(ctx, authz.WithStore(openTenantStore(t, db)))
		var perr *authz.PolicyError
		require.ErrorAs(t, err, &perr)
		assert.ErrorIs(t, err, authz.ErrInvalidTenant)
		assert.Equal(t, "casbin_rule", perr.Source)
	})
}

// The tenant indexes of a table with a long name have names the databases
// accept, and a store opened again finds them. (59 bytes: the adapter's
// own index, "idx_" and the table's name, must fit MySQL's 64.)
func TestTenantIndexesOfALongTable(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		table := "p" + strings.Repeat("x", 58)
		for range 2 {
			s, err := gormstore.New(ctx, store.Open(t), gormstore.WithTable(table))
			require.NoError(t, err)
			e, err := authz.New(ctx, tenantTestModel, authz.WithStore(s))
			require.NoError(t, err)
			require.NoError(t, e.Tenant("acme/eu").AssignRole(ctx, "alice", "admin"))
			p, _, err := s.LoadTenants(ctx, authz.TenantFilter{Tenants: []string{"acme"}})
			require.NoError(t, err)
			assert.Equal(t, []authz.RoleAssignment{{Member: "alice", Role: "admin", Tenant: "acme/eu"}}, p.Roles)
			require.NoError(t, e.RemoveTenant(ctx, "acme"))
		}
	})
}
