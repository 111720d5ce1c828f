package gormstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// relationPolicy grants editors and viewers, with relations and parents.
const relationPolicy = `p, editor, posts:update, any, allow
p, viewer, docs:read, any, allow
g2, carol, editor, posts:42
g3, docs:9, folders:7
`

// Relations and parents are written in the columns Casbin writes "g2" and
// "g3" lines in, an expiry fourth, and an engine opened on the table
// decides on them as the engine that wrote them.
func TestRelationRows(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		store := b.New(t)
		now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
		clock := authz.WithClock(func() time.Time { return now })
		e, err := authz.New(ctx, withDB(t, store.Open(t)), clock, authz.WithPolicy(relationPolicy))
		require.NoError(t, err)
		require.NoError(t, e.AddRelation(ctx, authz.Relation{Subject: "dave", Role: "viewer", Resource: "folders:7",
			Expires: time.Date(2026, 12, 4, 18, 0, 0, 0, time.FixedZone("CET", 3600))}))
		// A new expiry replaces the line: the old one goes, the new one is
		// written last.
		require.NoError(t, e.AddRelation(ctx, authz.Relation{Subject: "carol", Role: "editor", Resource: "posts:42",
			Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)}))
		require.NoError(t, e.SetParent(ctx, "folders:7", "folders:1"))
		assert.Equal(t, []string{
			"p, editor, posts:update, any, allow",
			"p, viewer, docs:read, any, allow",
			"g3, docs:9, folders:7",
			"g2, dave, viewer, folders:7, until 2026-12-04T17:00:00Z",
			"g2, carol, editor, posts:42, until 2026-12-31T00:00:00Z",
			"g3, folders:7, folders:1",
		}, tableLines(t, store.Open(t), gormstore.DefaultTable))

		restarted, err := authz.New(ctx, withDB(t, store.Open(t)), clock)
		require.NoError(t, err)
		want, err := e.Policy(ctx)
		require.NoError(t, err)
		got, err := restarted.Policy(ctx)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		for _, req := range []authz.Request{
			{Subject: "carol", Permission: "posts:update", Resource: authz.Resource{ID: "42"}},
			{Subject: "dave", Permission: "docs:read", Resource: authz.Resource{ID: "9"}},
		} {
			d, err := restarted.Decide(ctx, req)
			require.NoError(t, err)
			assert.True(t, d.Allowed, d.Reason())
		}

		require.NoError(t, e.RemoveResource(ctx, "folders:7"))
		assert.Equal(t, []string{
			"p, editor, posts:update, any, allow",
			"p, viewer, docs:read, any, allow",
			"g2, carol, editor, posts:42, until 2026-12-31T00:00:00Z",
		}, tableLines(t, store.Open(t), gormstore.DefaultTable), "folders:7's relations and links removed, exactly")
	})
}

// Relations need the model without tenants. An engine restricted to some
// tenants loads only the lines of its tenants, and reads past the
// relations of a table; an engine holding every tenant finds them, and
// refuses them.
func TestTenantEnginesAndRelationRows(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		s := openTenantStore(t, db)
		_, err := authz.New(ctx, tenantTestModel, authz.WithStore(s),
			authz.WithPolicy("p, admin, acme, users:*, any, allow\ng, alice, admin, acme\n"))
		require.NoError(t, err)
		require.NoError(t, db.Exec("INSERT INTO casbin_rule (ptype, v0, v1, v2, v3) VALUES "+
			"('g2', 'carol', 'admin', 'posts:42', ''), ('g2', 'dave', 'admin', 'posts:42', 'until 2026-12-04T17:00:00Z'), "+
			"('g3', 'docs:9', 'folders:7', '', '')").Error)

		p, _, err := s.LoadTenants(ctx, authz.TenantFilter{Tenants: []string{"acme"}, Above: []string{authz.AllTenants}})
		require.NoError(t, err)
		assert.Empty(t, p.Relations)
		assert.Empty(t, p.Parents)
		assert.Len(t, p.Roles, 1)

		shard, err := authz.New(ctx, tenantTestModel, authz.WithStore(s), authz.WithTenants("acme"))
		require.NoError(t, err)
		d, err := shard.Decide(ctx, authz.Request{Subject: "alice", Tenant: "acme", Permission: "users:invite"})
		require.NoError(t, err)
		assert.True(t, d.Allowed)

		whole, _, err := s.Load(ctx)
		require.NoError(t, err)
		assert.Len(t, whole.Relations, 2)
		assert.Len(t, whole.Parents, 1)
		_, err = authz.New(ctx, tenantTestModel, authz.WithStore(s))
		require.ErrorIs(t, err, authz.ErrUnsupportedModel, "an engine of every tenant cannot hold relations")
		var perr *authz.PolicyError
		require.ErrorAs(t, err, &perr)
		assert.Equal(t, "casbin_rule", perr.Source)
	})
}
