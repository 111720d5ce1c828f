package authz_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func TestSandboxIsACopy(t *testing.T) {
	ctx := context.Background()
	e, err := authz.New(ctx, authz.WithPolicy("p, editor, posts:update, any, allow\ng, carol, editor\ng2, dave, editor, posts:42\n"))
	require.NoError(t, err)
	s, err := e.Sandbox(ctx)
	require.NoError(t, err)
	original, err := e.Policy(ctx)
	require.NoError(t, err)
	copied, err := s.Policy(ctx)
	require.NoError(t, err)
	assert.Equal(t, original, copied)

	// Edits on one leave the other as it was.
	require.NoError(t, s.AssignRole(ctx, "erin", "editor"))
	require.NoError(t, e.RemoveGrant(ctx, authz.Grant{Subject: "editor", Permission: "posts:update", Scope: permissions.Any}))
	d, err := s.Decide(ctx, authz.Request{Subject: "erin", Permission: "posts:update"})
	require.NoError(t, err)
	assert.True(t, d.Allowed, "the sandbox keeps the grant removed from the engine")
	d, err = e.Decide(ctx, authz.Request{Subject: "erin", Permission: "posts:update"})
	require.NoError(t, err)
	assert.False(t, d.Allowed, "the engine never saw the sandbox's assignment")
	d, err = s.Decide(ctx, authz.Request{Subject: "dave", Permission: "posts:update", Resource: authz.Resource{ID: "42"}})
	require.NoError(t, err)
	assert.True(t, d.Allowed, "relations are copied: %s", d.Reason())
}

func TestSandboxOfATenantedEngine(t *testing.T) {
	ctx := context.Background()
	e, err := authz.New(ctx, authz.WithModelFile("../model_tenants.conf"),
		authz.WithPolicy("p, admin, acme, users:*, any, allow\ng, alice, admin, acme\n"))
	require.NoError(t, err)
	s, err := e.Sandbox(ctx)
	require.NoError(t, err)
	assert.True(t, s.Tenanted())
	d, err := s.Tenant("acme").Decide(ctx, authz.Request{Subject: "alice", Permission: "users:invite"})
	require.NoError(t, err)
	assert.True(t, d.Allowed, d.Reason())
}
