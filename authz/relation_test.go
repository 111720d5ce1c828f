package authz_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
)

func TestRelationSmoke(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	e, err := authz.New(ctx, authz.WithClock(func() time.Time { return now }), authz.WithPolicy(`
p, editor, posts:read, any, allow
p, editor, posts:update, any, allow
p, viewer, docs:read, any, allow
g, editor, viewer
g, carol, red
g2, bob, editor, posts:42
g2, red, viewer, folders:7
g3, docs:9, folders:7
g2, dave, editor, posts:42, until 2026-12-02T00:00:00Z
`))
	require.NoError(t, err)
	d, err := e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts:update", Resource: authz.Resource{ID: "42"}})
	require.NoError(t, err)
	assert.True(t, d.Allowed, d.Reason())
	t.Log(d.Reason())
	d, _ = e.Decide(ctx, authz.Request{Subject: "bob", Permission: "posts:update", Resource: authz.Resource{ID: "43"}})
	assert.False(t, d.Allowed, d.Reason())
	d, _ = e.Decide(ctx, authz.Request{Subject: "carol", Permission: "docs:read", Resource: authz.Resource{ID: "9"}})
	assert.True(t, d.Allowed, d.Reason())
	t.Log(d.Reason())
	d, _ = e.Decide(ctx, authz.Request{Subject: "dave", Permission: "posts:read", Resource: authz.Resource{ID: "42"}})
	assert.True(t, d.Allowed, d.Reason())
	now = now.Add(12 * time.Hour)
	d, _ = e.Decide(ctx, authz.Request{Subject: "dave", Permission: "posts:read", Resource: authz.Resource{ID: "42"}})
	assert.False(t, d.Allowed, d.Reason())
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	t.Log(p.String())
	require.NoError(t, e.AddRelation(ctx, authz.Relation{Subject: "erin", Role: "editor", Resource: "posts:42"}))
	require.NoError(t, e.SetParent(ctx, "folders:7", "folders:1"))
	require.NoError(t, e.AddRelation(ctx, authz.Relation{Subject: "fred", Role: "viewer", Resource: "folders:1"}))
	d, _ = e.Decide(ctx, authz.Request{Subject: "fred", Permission: "docs:read", Resource: authz.Resource{ID: "9"}})
	assert.True(t, d.Allowed, d.Reason())
	t.Log(d.Reason())
	require.ErrorIs(t, e.SetParent(ctx, "folders:1", "docs:9"), authz.ErrCycle)
	require.NoError(t, e.RemoveResource(ctx, "folders:7"))
	d, _ = e.Decide(ctx, authz.Request{Subject: "fred", Permission: "docs:read", Resource: authz.Resource{ID: "9"}})
	assert.False(t, d.Allowed, d.Reason())
	p, _ = e.Policy(ctx)
	t.Log(p.String())
}
