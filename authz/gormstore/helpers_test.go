package gormstore_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/gormstore"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// withDB persists an engine's policy in db.
func withDB(t testing.TB, db *gorm.DB, opts ...gormstore.Option) authz.Option {
	t.Helper()
	s, err := gormstore.New(context.Background(), db, opts...)
	require.NoError(t, err)
	return authz.WithStore(s)
}

// newEngine builds an engine on the default model and policy with bob
// holding user, carol moderator and alice admin.
func newEngine(t *testing.T, opts ...authz.Option) *authz.Engine {
	t.Helper()
	ctx := context.Background()
	e, err := authz.New(ctx, opts...)
	require.NoError(t, err)
	require.NoError(t, e.AssignRole(ctx, "bob", "user"))
	require.NoError(t, e.AssignRole(ctx, "carol", "moderator"))
	require.NoError(t, e.AssignRole(ctx, "alice", "admin"))
	return e
}

// allowed decides subject doing perm on a resource owned by owner and fails
// the test on error.
func allowed(t *testing.T, e *authz.Engine, subject string, perm permissions.Permission, owner string) bool {
	t.Helper()
	d, err := e.Decide(context.Background(), authz.Request{
		Subject: subject, Permission: perm, Resource: authz.Resource{Owner: owner},
	})
	require.NoError(t, err)
	return d.Allowed
}
