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

func TestWhoCanAndWhatCan(t *testing.T) {
	ctx := context.Background()
	e, err := authz.New(ctx, authz.WithPolicy(`
p, user, posts:update, own, allow
p, user, posts:read, own, allow
p, editor, posts:read, any, allow
p, editor, posts:update, any, allow
p, moderator, posts:read, any, allow
p, moderator, posts:delete, any, allow
p, admin, posts:*, any, allow
p, suspended, posts:update, any, deny
g, admin, moderator
g, alice, user
g, bob, user
g, carol, user
g, carol, red
g, dan, red
g, dan, suspended
g, mod1, moderator
g, root, admin
g2, bob, editor, posts:42
g2, red, editor, folders:7
g3, posts:42, folders:7
`))
	require.NoError(t, err)
	who, err := e.WhoCan(ctx, "posts:update", authz.Resource{ID: "42", Owner: "alice"})
	require.NoError(t, err)
	for _, a := range who {
		t.Log(a)
	}
	var names []string
	for _, a := range who {
		names = append(names, string(a.Kind)+":"+a.Subject)
	}
	assert.Equal(t, []string{"owner:alice", "relation:bob", "relation:carol", "relation:red", "role:admin", "role:editor"}, names)
	what, err := e.WhatCan(ctx, "carol", authz.Resource{Type: "posts", ID: "42", Owner: "alice"})
	require.NoError(t, err)
	var perms []string
	for _, d := range what {
		perms = append(perms, string(d.Request.Permission))
		t.Log(d.Reason())
	}
	assert.Equal(t, []string{"posts:read", "posts:update"}, perms)
}

func TestDecideAll(t *testing.T) {
	ctx := context.Background()
	e, err := authz.New(ctx)
	require.NoError(t, err)
	reqs := []authz.Request{
		{Subject: "alice", Permission: "posts:read", Resource: authz.Resource{Owner: "alice"}},
		{Subject: "", Permission: "posts:read"},
		{Subject: "bob", Permission: "posts:*"},
		{Subject: "bob", Permission: "posts:write"},
	}
	require.NoError(t, e.AssignRole(ctx, "alice", "user"))
	decisions, err := e.DecideAll(ctx, reqs)
	require.Error(t, err)
	assert.ErrorIs(t, err, authz.ErrInvalidSubject)
	assert.ErrorContains(t, err, "request 1")
	assert.ErrorContains(t, err, "request 2")
	require.Len(t, decisions, len(reqs))
	for i, d := range decisions {
		assert.Equal(t, reqs[i], d.Request)
		want, err := e.Decide(ctx, reqs[i])
		if err != nil {
			assert.False(t, d.Allowed)
			continue
		}
		assert.Equal(t, want, d)
	}
	assert.True(t, decisions[0].Allowed)

	// One batch sees one policy, however edits race it.
	same := make([]authz.Request, 200)
	for i := range same {
		same[i] = authz.Request{Subject: "carol", Permission: "users:read"}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			_ = e.AssignRole(ctx, "carol", "moderator")
			_ = e.UnassignRole(ctx, "carol", "moderator")
		}
	}()
	for i := 0; i < 200; i++ {
		decisions, err := e.DecideAll(ctx, same)
		require.NoError(t, err)
		for _, d := range decisions {
			require.Equal(t, decisions[0].Allowed, d.Allowed)
		}
	}
	<-done
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	decisions, err = e.DecideAll(cancelled, reqs[:1])
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, decisions[0].Allowed)
}
