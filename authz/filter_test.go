package authz_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// addReviewer gives who the role reviewer, in an unusual policy a filter
// must still get right: reviewers read every post except their own.
func addReviewer(t *testing.T, e *authz.Engine, who string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "reviewer", Permission: "posts:read", Scope: permissions.Any}))
	require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "reviewer", Permission: "posts:read", Scope: permissions.Own, Effect: authz.Deny}))
	require.NoError(t, e.AssignRole(ctx, who, "reviewer"))
}

func TestFilterKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	addReviewer(t, e, "rita")
	require.NoError(t, e.SetRoles(ctx, "dave", []string{"user", "suspended"}))

	tests := []struct {
		subject string
		perm    permissions.Permission
		want    authz.FilterKind
	}{
		{"bob", permissions.PostsRead, authz.FilterOwn},
		{"carol", permissions.PostsRead, authz.FilterAll},
		{"alice", permissions.PostsUpdate, authz.FilterAll},
		{"carol", permissions.PostsUpdate, authz.FilterOwn},
		{"dave", permissions.PostsUpdate, authz.FilterNone},
		{"mallory", permissions.PostsRead, authz.FilterNone},
		{"bob", permissions.UsersRead, authz.FilterNone},
		{"rita", permissions.PostsRead, authz.FilterNotOwn},
	}
	owners := []string{"", "bob", "carol", "alice", "dave", "rita", "mallory"}
	for _, tt := range tests {
		f, err := e.Filter(ctx, tt.subject, tt.perm)
		require.NoError(t, err)
		assert.Equal(t, tt.want, f.Kind, "%s %s: %s", tt.subject, tt.perm, f.Kind)
		// The filter must admit exactly the resources Decide allows.
		for _, owner := range owners {
			assert.Equal(t, allowed(t, e, tt.subject, tt.perm, owner), f.Allows(owner),
				"%s %s on a resource owned by %q", tt.subject, tt.perm, owner)
		}
	}
}

func TestFilterFailsClosed(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	f, err := e.Filter(context.Background(), "", permissions.PostsRead)
	require.ErrorIs(t, err, authz.ErrInvalidSubject)
	assert.Equal(t, authz.FilterNone, f.Kind)
	f, err = e.Filter(context.Background(), "bob", "posts:*")
	require.ErrorIs(t, err, permissions.ErrInvalidPermission)
	assert.False(t, f.Allows("bob"))
}

func TestFilterWhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind  authz.FilterKind
		query string
		args  []any
	}{
		{authz.FilterAll, "1 = 1", nil},
		{authz.FilterNone, "1 = 0", nil},
		{authz.FilterOwn, "posts.author_id = ?", []any{"bob"}},
		{authz.FilterNotOwn, "(posts.author_id IS NULL OR posts.author_id <> ?)", []any{"bob"}},
	}
	for _, tt := range tests {
		query, args, err := authz.ListFilter{Kind: tt.kind, Subject: "bob"}.Where("posts.author_id")
		require.NoError(t, err)
		assert.Equal(t, tt.query, query, tt.kind.String())
		assert.Equal(t, tt.args, args, tt.kind.String())
	}
	for _, bad := range []string{"", "author_id; DROP TABLE posts", "author id", "a.b.c", "1col"} {
		_, _, err := authz.ListFilter{Kind: authz.FilterAll}.Where(bad)
		assert.ErrorIs(t, err, authz.ErrInvalidRequest, bad)
	}
}

// post is a row of the table the filter is tried on.
type post struct {
	ID       int
	AuthorID *string
	Title    string
}

func TestFilterWhereSelectsTheSameRowsAsDecide(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newEngine(t)
	addReviewer(t, e, "rita")

	db := testdb.Open(t)
	require.NoError(t, db.AutoMigrate(&post{}))
	authors := []string{"bob", "carol", "rita", "bob", "", "nobody"}
	for i, a := range authors {
		row := post{ID: i + 1, Title: "post"}
		if a != "" {
			row.AuthorID = &authors[i]
		}
		require.NoError(t, db.Create(&row).Error)
	}

	for _, subject := range []string{"bob", "carol", "rita", "mallory"} {
		f, err := e.Filter(ctx, subject, permissions.PostsRead)
		require.NoError(t, err)
		query, args, err := f.Where("author_id")
		require.NoError(t, err)
		got := []int{}
		require.NoError(t, db.Model(&post{}).Where(query, args...).Order("id").Pluck("id", &got).Error)

		want := []int{}
		for i, a := range authors {
			if allowed(t, e, subject, permissions.PostsRead, a) {
				want = append(want, i+1)
			}
		}
		assert.Equal(t, want, got, "%s (%s)", subject, f.Kind)
	}
}
