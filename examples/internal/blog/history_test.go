package blog

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
)

// TestAdminEditsNameTheirActor shows the blog's policy edits recorded in
// the policy's history with the id of the admin who made them.
func TestAdminEditsNameTheirActor(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg := Config{Database: "sqlite:" + filepath.Join(t.TempDir(), "blog.db"), Addr: "127.0.0.1:8080",
		JWTSecret: []byte("history-test-secret-0123456789abcdef"), JWTIssuer: "gatehouse"}
	require.NoError(t, cfg.readPasskeyOrigin(""))
	app, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(t, err)
	t.Cleanup(app.Close)
	alice, err := app.Auth.Users.GetByEmail(ctx, "alice@example.com")
	require.NoError(t, err)
	bob, err := app.Auth.Users.GetByEmail(ctx, "bob@example.com")
	require.NoError(t, err)

	subject, permission, scope := "moderator", "reports:read", "any"
	_, err = app.Admin.AddGrant(ctx, alice.ID, GrantInput{Subject: &subject, Permission: &permission, Scope: &scope})
	require.NoError(t, err)
	roles := []string{"moderator"}
	_, err = app.Admin.SetRoles(ctx, alice.ID, bob.ID, RolesInput{Roles: &roles})
	require.NoError(t, err)

	entries, err := app.Auth.Engine.History(ctx, authz.HistoryQuery{Actor: alice.ID})
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, authz.Actor{ID: alice.ID, Source: authz.SourceAPI}, entries[0].Actor)
	assert.Contains(t, entries[0].Added, "g, "+bob.ID+", moderator")
	assert.Equal(t, []string{"p, moderator, reports:read, any, allow"}, entries[1].Added)
}
