package blog

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// TestSharing shares a draft with an editor, on every database the blog
// runs on: the editor reads it, finds it in the list (whose query holds
// its id: an integer column compared with the filter's ids), edits it and
// does nothing more; the access list says who may what and why;
// unsharing and deleting the post end it.
func TestSharing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		cfg := Config{Database: b.New(t).DSN(), JWTSecret: []byte("sharing-test-secret-0123456789abcdef"), JWTIssuer: "gatehouse"}
		app, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
		require.NoError(t, err)
		t.Cleanup(app.Close)
		posts, engine := app.Posts, app.Auth.Engine

		id := func(email string) string {
			u, err := app.Auth.Users.GetByEmail(ctx, email)
			require.NoError(t, err)
			return u.ID
		}
		bob, alice := id("bob@example.com"), id("alice@example.com")
		dave, err := app.Auth.Users.Register(ctx, "dave@example.com", "dave-password", "Dave")
		require.NoError(t, err)
		require.NoError(t, engine.SetRoles(ctx, dave.ID, []string{"user"}))

		text := func(s string) *string { return &s }
		draft, err := posts.Create(ctx, bob, PostInput{Title: text("Bob's draft"), Body: text("x")})
		require.NoError(t, err)
		other, err := posts.Create(ctx, alice, PostInput{Title: text("Alice's draft"), Body: text("y")})
		require.NoError(t, err)

		// Sharing is idempotent; the author is no editor; only users are.
		require.NoError(t, posts.Share(ctx, draft, dave.ID))
		require.NoError(t, posts.Share(ctx, draft, dave.ID), "sharing again")
		require.NoError(t, posts.Share(ctx, draft, bob), "sharing with the author")
		for _, nobody := range []string{"usr_00000000000000000000000000000000", "moderator", "editor", "", "posts:1"} {
			assert.ErrorIs(t, posts.Share(ctx, draft, nobody), ErrNotFound, "%q", nobody)
		}
		editors, err := posts.Editors(ctx, draft)
		require.NoError(t, err)
		assert.Equal(t, []string{dave.ID}, editors)

		// The editor reads the draft, lists it, edits it; nothing more.
		daveSubject := authn.Subject{ID: dave.ID}
		_, err = posts.Read(ctx, daveSubject, draft.idString())
		require.NoError(t, err)
		listed := func(who string) []int64 {
			f, err := engine.Filter(ctx, who, permissions.PostsRead)
			require.NoError(t, err)
			list, err := posts.ListVisible(ctx, f)
			require.NoError(t, err)
			ids := []int64{}
			for _, p := range list {
				ids = append(ids, p.ID)
			}
			return ids
		}
		assert.Equal(t, []int64{draft.ID}, listed(dave.ID))
		assert.ElementsMatch(t, []int64{draft.ID, other.ID}, listed(alice))
		allowed := func(perm permissions.Permission, p Post) bool {
			d, err := engine.Decide(ctx, authz.Request{Subject: dave.ID, Permission: perm, Resource: p.Resource()})
			require.NoError(t, err)
			return d.Allowed
		}
		assert.True(t, allowed(permissions.PostsUpdate, draft))
		assert.False(t, allowed(permissions.PostsDelete, draft))
		assert.False(t, allowed(permissions.PostsShare, draft))
		assert.False(t, allowed(permissions.PostsAudit, draft))
		assert.False(t, allowed(permissions.PostsUpdate, other), "one post only")

		// Who may what, and why.
		access, err := posts.Access(ctx, draft)
		require.NoError(t, err)
		assert.Equal(t, []string{dave.ID}, access.Editors)
		assert.Equal(t, bob, access.AuthorID)
		for _, perm := range postPermissions {
			require.Contains(t, access.Permissions, string(perm))
		}
		who := func(perm permissions.Permission) map[string]string {
			kinds := map[string]string{}
			for _, a := range access.Permissions[string(perm)] {
				kinds[a.Subject] = a.Kind
				if a.Kind == "relation" {
					assert.Equal(t, &Relation{Subject: dave.ID, Role: EditorRole, Resource: draft.resourceName()}, a.Relation)
					assert.Equal(t, Grant{"editor", string(perm), "any", "allow"}, a.Rule)
				}
			}
			return kinds
		}
		assert.Equal(t, map[string]string{bob: "owner", dave.ID: "relation", "moderator": "role", "admin": "role", "editor": "role"},
			who(permissions.PostsRead))
		assert.Equal(t, map[string]string{bob: "owner", dave.ID: "relation", "admin": "role", "editor": "role"},
			who(permissions.PostsUpdate))
		assert.Equal(t, map[string]string{bob: "owner", "moderator": "role", "admin": "role"}, who(permissions.PostsDelete))
		assert.Equal(t, map[string]string{bob: "owner", "admin": "role"}, who(permissions.PostsShare))
		assert.Equal(t, map[string]string{bob: "owner", "moderator": "role", "admin": "role"}, who(permissions.PostsAudit))

		// Unsharing ends it; unsharing again, or with a stranger, is 404.
		require.NoError(t, posts.Unshare(ctx, draft, dave.ID))
		assert.ErrorIs(t, posts.Unshare(ctx, draft, dave.ID), ErrNotFound)
		for _, nobody := range []string{"usr_00000000000000000000000000000000", "editor", "", " x"} {
			assert.ErrorIs(t, posts.Unshare(ctx, draft, nobody), ErrNotFound, "%q", nobody)
		}
		_, err = posts.Read(ctx, daveSubject, draft.idString())
		assert.ErrorIs(t, err, ErrNotFound)
		assert.Empty(t, listed(dave.ID))

		// Deleting a shared post deletes its relations, and a share that
		// comes after the deletion shares nothing.
		require.NoError(t, posts.Share(ctx, other, dave.ID))
		require.NoError(t, posts.Delete(ctx, other))
		relations, err := engine.Relations(ctx, other.resourceName())
		require.NoError(t, err)
		assert.Empty(t, relations)
		assert.ErrorIs(t, posts.Share(ctx, other, dave.ID), ErrNotFound)
		relations, err = engine.Relations(ctx, other.resourceName())
		require.NoError(t, err)
		assert.Empty(t, relations)

		// The next post has no editor.
		again, err := posts.Create(ctx, alice, PostInput{Title: text("Alice's next draft"), Body: text("z")})
		require.NoError(t, err)
		_, err = posts.Read(ctx, daveSubject, again.idString())
		assert.ErrorIs(t, err, ErrNotFound)
		assert.False(t, slices.Contains(listed(dave.ID), again.ID))
	})
}
