package guard_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// The errors of a policy edit are the client's mistakes, answered as such,
// never as a 503 that sends the client to try again.
func TestErrorForPolicyEdits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var logs bytes.Buffer
	g := newGuard(t, guard.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	e, err := authz.New(ctx)
	require.NoError(t, err)
	require.NoError(t, e.AssignRole(ctx, "bob", "user"))
	posts := authz.Grant{Subject: "user", Permission: permissions.PostsRead, Scope: permissions.Own}

	tests := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"duplicate grant", e.AddGrant(ctx, posts), 409, guard.CodeConflict},
		{"duplicate role", e.AssignRole(ctx, "bob", "user"), 409, guard.CodeConflict},
		{"cycle", e.AssignRole(ctx, "user", "bob"), 409, guard.CodeConflict},
		{"missing grant", e.RemoveGrant(ctx, authz.Grant{Subject: "bob", Permission: permissions.PostsRead, Scope: permissions.Any}), 404, guard.CodeNotFound},
		{"missing role", e.UnassignRole(ctx, "bob", "admin"), 404, guard.CodeNotFound},
		{"malformed permission", e.AddGrant(ctx, authz.Grant{Subject: "bob", Permission: "posts", Scope: permissions.Any}), 400, guard.CodeInvalidRequest},
		{"bad scope", e.AddGrant(ctx, authz.Grant{Subject: "bob", Permission: permissions.PostsRead, Scope: "all"}), 400, guard.CodeInvalidRequest},
		{"bad effect", e.AddGrant(ctx, authz.Grant{Subject: "bob", Permission: permissions.PostsRead, Scope: permissions.Any, Effect: "maybe"}), 400, guard.CodeInvalidRequest},
		{"empty subject", e.AssignRole(ctx, "", "user"), 400, guard.CodeInvalidRequest},
		{"invisible name", e.AssignRole(ctx, "bob", "admin\u200b"), 400, guard.CodeInvalidRequest},
		{"malformed policy", func() error { _, err := authz.ParsePolicy("upload", "p, bob"); return err }(), 400, guard.CodeInvalidRequest},
	}
	for _, tt := range tests {
		require.Error(t, tt.err, tt.name)
		got := g.ErrorFor(tt.err)
		assert.Equal(t, tt.status, got.Status, "%s: %v", tt.name, tt.err)
		assert.Equal(t, tt.code, got.Code, tt.name)
		assert.ErrorIs(t, got, tt.err, "%s: the cause is kept for logs", tt.name)
	}
	assert.Empty(t, logs.String(), "a client's mistake is not a fault")
}

func TestErrorForLogsWhatItCannotClassify(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	g := newGuard(t, guard.Config{Logger: slog.New(slog.NewTextHandler(&logs, nil))})

	got := g.ErrorFor(fmt.Errorf("load posts: %w", errors.New("connection refused")))
	assert.Equal(t, 503, got.Status)
	assert.NotContains(t, string(got.Body()), "connection refused")
	assert.Contains(t, logs.String(), "level=ERROR")
	assert.Contains(t, logs.String(), "connection refused", "the operator sees what happened")

	logs.Reset()
	g.ErrorFor(fmt.Errorf("decide: %w", authz.ErrUnavailable))
	g.ErrorFor(context.Canceled)
	assert.Empty(t, logs.String(), "an unavailable replica or a client gone is no fault of the code")
}
