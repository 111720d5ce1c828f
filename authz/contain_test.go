package authz_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// A panic inside Casbin once killed the example server: a role edit met
// Casbin's list and map out of step and sliced past the end. These tests
// make Casbin panic the same way and check that the edit returns an error,
// that decisions in between fail closed, and that memory is then rebuilt
// from the store, or from the policy before the edit without one. Casbin
// holds the policy only under a matcher the index does not serve, so they
// use one; the index's own panics are contained the same way.

// casbinDecided is a model whose decisions and policy are Casbin's.
func casbinDecided() authz.Option {
	return authz.WithModel(strings.Replace(defaultModelText(), "m = ", `m = r.sub == "root" || `, 1))
}

var deletePosts = authz.Grant{Subject: "dave", Permission: permissions.PostsDelete, Scope: permissions.Any, Effect: authz.Allow}

func TestAPanicInsideCasbinFailsTheEditNotTheProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cases := []struct {
		name string
		opts func(t *testing.T) []authz.Option
		// kept says whether the removal stands after the panic: the store
		// committed it before memory failed to apply it.
		removed bool
	}{
		{"in memory", func(*testing.T) []authz.Option { return nil }, false},
		{"with a store", func(t *testing.T) []authz.Option { return []authz.Option{withDB(t, testdb.Open(t))} }, true},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			opts := append(tt.opts(t), casbinDecided(), authz.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			e := newEngine(t, opts...)
			require.NoError(t, e.AddGrant(ctx, deletePosts))
			authz.BreakCasbinIndexOf(e, deletePosts)

			err := e.RemoveGrant(ctx, deletePosts)
			require.ErrorIs(t, err, authz.ErrEngine)
			assert.Contains(t, err.Error(), "panicked")
			assert.Contains(t, logs.String(), "recovered a panic", "the panic is logged with its stack")

			require.NoError(t, e.Err(), "memory was rebuilt before the edit returned")
			assert.Equal(t, !tt.removed, allowed(t, e, "dave", permissions.PostsDelete, "bob"))
			p, err := e.Policy(ctx)
			require.NoError(t, err)
			assert.Equal(t, !tt.removed, containsGrant(p, deletePosts))

			// The rebuilt engine edits and decides as before.
			require.NoError(t, e.AssignRole(ctx, "dave", "moderator"))
			assert.True(t, allowed(t, e, "dave", permissions.PostsDelete, "bob"))
			if !tt.removed {
				require.NoError(t, e.RemoveGrant(ctx, deletePosts))
			}
			require.NoError(t, e.UnassignRole(ctx, "dave", "moderator"))
			assert.False(t, allowed(t, e, "dave", permissions.PostsDelete, "bob"))
		})
	}
}

func TestAPanicInsideTheIndexFailsTheEditNotTheProcess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var logs bytes.Buffer
	e := newEngine(t, authz.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	authz.BreakRoleIDs(e)

	// The next new role gets an id past the end of the closures.
	err := e.AssignRole(ctx, "dave", "reviewer")
	require.ErrorIs(t, err, authz.ErrEngine)
	assert.Contains(t, err.Error(), "panicked")
	assert.Contains(t, logs.String(), "recovered a panic")

	require.NoError(t, e.Err(), "memory was rebuilt before the edit returned")
	roles, err := e.Roles(ctx, "dave")
	require.NoError(t, err)
	assert.Empty(t, roles, "without a store, the policy before the edit")
	require.NoError(t, e.AssignRole(ctx, "dave", "reviewer"), "the rebuilt engine edits as before")
	require.NoError(t, e.AddGrant(ctx, authz.Grant{Subject: "reviewer", Permission: permissions.PostsDelete, Scope: permissions.Any}))
	assert.True(t, allowed(t, e, "dave", permissions.PostsDelete, "bob"))
	assert.True(t, allowed(t, e, "alice", permissions.UsersDelete, ""))
}

func TestAPanickingDecisionIsADenial(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A custom matcher: decisions go through Casbin's Enforce.
	model := strings.Replace(defaultModelText(), "m = ", `m = r.sub == "root" || `, 1)
	broken := func(t *testing.T) (*authz.Engine, *bytes.Buffer) {
		var logs bytes.Buffer
		e, err := authz.New(ctx, authz.WithModel(model), authz.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		require.NoError(t, err)
		require.NoError(t, e.AssignRole(ctx, "bob", "admin"))
		authz.BreakEnforcer(e)
		return e, &logs
	}

	e, _ := broken(t)
	d, err := e.Decide(ctx, authz.Request{Subject: "bob", Permission: permissions.UsersDelete})
	require.ErrorIs(t, err, authz.ErrEngine)
	assert.False(t, d.Allowed, "bob holds admin, which grants users:*")
	assert.Equal(t, "bob", d.Request.Subject)
	f, err := e.Filter(ctx, "bob", permissions.PostsRead)
	require.ErrorIs(t, err, authz.ErrEngine)
	assert.Equal(t, authz.FilterNone, f.Kind)

	// Each call on an engine of its own: a failed edit fails the engine.
	calls := []struct {
		name string
		call func(e *authz.Engine) error
	}{
		{"Roles", func(e *authz.Engine) error { _, err := e.Roles(ctx, "bob"); return err }},
		{"Permissions", func(e *authz.Engine) error { _, err := e.Permissions(ctx, "bob"); return err }},
		{"Policy", func(e *authz.Engine) error { _, err := e.Policy(ctx); return err }},
		{"AssignRole", func(e *authz.Engine) error { return e.AssignRole(ctx, "carol", "user") }},
		{"RemoveSubject", func(e *authz.Engine) error { return e.RemoveSubject(ctx, "bob") }},
		{"Replace", func(e *authz.Engine) error { return e.Replace(ctx, authz.Policy{}) }},
	}
	for _, tt := range calls {
		t.Run(tt.name, func(t *testing.T) {
			e, logs := broken(t)
			err := tt.call(e)
			require.Error(t, err)
			assert.True(t, errors.Is(err, authz.ErrEngine) || errors.Is(err, authz.ErrUnavailable), "%v", err)
			assert.Contains(t, logs.String(), "recovered a panic")
			d, err := e.Decide(ctx, authz.Request{Subject: "bob", Permission: permissions.UsersDelete})
			require.Error(t, err)
			assert.False(t, d.Allowed)
		})
	}

	// The index, which serves gatehouse's own model, contains its panics too.
	indexed := newEngine(t, authz.WithLogger(slog.New(slog.DiscardHandler)))
	authz.BreakIndex(indexed)
	d, err = indexed.Decide(ctx, authz.Request{Subject: "alice", Permission: permissions.UsersDelete})
	require.ErrorIs(t, err, authz.ErrEngine)
	assert.False(t, d.Allowed)
}

func TestDecisionsFailClosedWhileMemoryCannotBeRebuilt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testdb.Open(t)
	e := newEngine(t, withDB(t, db), casbinDecided(), authz.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, e.AddGrant(ctx, deletePosts))
	authz.BreakCasbinIndexOf(e, deletePosts)

	// The store stops answering reads once it has taken the removal, so
	// memory cannot be reloaded.
	var gone atomic.Bool
	require.NoError(t, db.Callback().Raw().After("gorm:raw").Register("test:gone", func(tx *gorm.DB) {
		if strings.HasPrefix(tx.Statement.SQL.String(), "DELETE") {
			gone.Store(true)
		}
	}))
	refuse := func(tx *gorm.DB) {
		if gone.Load() {
			_ = tx.AddError(errors.New("store gone"))
		}
	}
	require.NoError(t, db.Callback().Query().Before("gorm:query").Register("test:refuse", refuse))
	require.NoError(t, db.Callback().Row().Before("gorm:row").Register("test:refuse", refuse))

	err := e.RemoveGrant(ctx, deletePosts)
	require.ErrorIs(t, err, authz.ErrEngine)
	require.ErrorIs(t, e.Err(), authz.ErrUnavailable)
	d, err := e.Decide(ctx, authz.Request{Subject: "alice", Permission: permissions.UsersDelete})
	require.ErrorIs(t, err, authz.ErrUnavailable)
	assert.False(t, d.Allowed, "admin is denied while memory may be wrong")
	_, err = e.Roles(ctx, "alice")
	require.ErrorIs(t, err, authz.ErrUnavailable)

	// Once the store answers, the next edit rebuilds memory first.
	gone.Store(false)
	require.NoError(t, e.AssignRole(ctx, "dave", "user"))
	require.NoError(t, e.Err())
	assert.False(t, allowed(t, e, "dave", permissions.PostsDelete, "bob"), "the store's removal stands")
	assert.True(t, allowed(t, e, "alice", permissions.UsersDelete, ""))
}

func containsGrant(p authz.Policy, g authz.Grant) bool {
	for _, have := range p.Grants {
		if have == g {
			return true
		}
	}
	return false
}
