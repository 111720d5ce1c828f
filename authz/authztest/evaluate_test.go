package authztest_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

// newEngine builds an in-memory engine on gatehouse's default model and
// policy, with no roles assigned.
func newEngine(t *testing.T) *authz.Engine {
	t.Helper()
	e, err := authz.New(t.Context())
	require.NoError(t, err)
	return e
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	roles := map[string][]string{"bob": {"user"}, "carol": {"moderator"}, "dave": {"user", "suspended"}}
	tests := []struct {
		name    string
		c       authztest.Case
		problem string // "" when the case passes
	}{
		{
			name: "answer and rule as expected",
			c:    authztest.Case{Subject: "bob", Permission: "posts:read", Owner: "bob", Allow: true, Rule: "p, user, posts:read, own, allow"},
		},
		{
			name: "answer alone as expected",
			c:    authztest.Case{Subject: "carol", Permission: "posts:update", Owner: "carol", Allow: true},
		},
		{
			name: "no rule, as expected",
			c:    authztest.Case{Subject: "bob", Permission: "posts:read", Owner: "carol", Rule: authztest.NoRule},
		},
		{
			name: "rule written its own way",
			c:    authztest.Case{Subject: "dave", Permission: "posts:write", Rule: `p,suspended,posts:write,any,"deny"`},
		},
		{
			name:    "allowed, not denied",
			c:       authztest.Case{Subject: "carol", Permission: "posts:read", Owner: "bob"},
			problem: `want deny, got allowed by rule "p, moderator, posts:read, any, allow"`,
		},
		{
			name:    "denied, not allowed",
			c:       authztest.Case{Subject: "bob", Permission: "posts:read", Owner: "carol", Allow: true},
			problem: `want allow, got denied: no rule grants "posts:read" to "bob" on resource owned by "carol"`,
		},
		{
			name:    "right answer, wrong rule",
			c:       authztest.Case{Subject: "carol", Permission: "posts:write", Allow: true, Rule: "p, moderator, posts:write, any, allow"},
			problem: `want allow by rule "p, moderator, posts:write, any, allow", got allowed by rule "p, user, posts:write, any, allow"`,
		},
		{
			name:    "a rule matched where none should",
			c:       authztest.Case{Subject: "dave", Permission: "posts:update", Owner: "dave", Rule: authztest.NoRule},
			problem: `want deny with no rule matching, got denied by rule "p, suspended, posts:update, any, deny"`,
		},
		{
			name:    "no rule matched where one should",
			c:       authztest.Case{Subject: "bob", Permission: "users:read", Rule: "p, moderator, users:read, any, deny"},
			problem: `want deny by rule "p, moderator, users:read, any, deny", got denied: no rule grants "users:read" to "bob"`,
		},
		{
			name:    "malformed case",
			c:       authztest.Case{Subject: "bob", Permission: "posts:*", Source: "t.yaml", Line: 7},
			problem: `invalid case: t.yaml:7: permission: invalid permission: "posts:*": a request names one action, not "*"`,
		},
	}
	e := newEngine(t)
	table := authztest.Table{Name: "mixed", Roles: roles}
	for _, tc := range tests {
		table.Cases = append(table.Cases, tc.c)
	}
	report, err := authztest.Evaluate(t.Context(), e, table)
	require.NoError(t, err)
	assert.Equal(t, "mixed", report.Table)
	require.Len(t, report.Results, len(tests))
	passed := 0
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := report.Results[i]
			assert.Equal(t, tc.c, r.Case)
			assert.Equal(t, tc.problem, r.Problem)
			assert.Equal(t, tc.problem == "", r.Passed)
		})
		if tc.problem == "" {
			passed++
		}
	}
	assert.Equal(t, passed, report.Passed)
	assert.Equal(t, len(tests)-passed, report.Failed)

	malformed := report.Results[len(tests)-1]
	assert.ErrorIs(t, malformed.Err, authztest.ErrInvalidTable)
	assert.Equal(t, authz.Decision{}, malformed.Decision, "a malformed case is not decided")
	decided := report.Results[0]
	assert.NoError(t, decided.Err)
	assert.True(t, decided.Decision.Allowed)
	assert.Equal(t, "bob", decided.Decision.Request.Subject)
}

func TestEvaluateAssignsFixtures(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	e := newEngine(t)
	require.NoError(t, e.AssignRole(ctx, "bob", "admin"))
	_, err := authztest.Evaluate(ctx, e, authztest.Table{
		Roles: map[string][]string{"bob": {"user"}, "mallory": {}},
		Cases: []authztest.Case{{Subject: "bob", Permission: "posts:write", Allow: true}},
	})
	require.NoError(t, err)
	roles, err := e.AssignedRoles(ctx, "bob")
	require.NoError(t, err)
	assert.Equal(t, []string{"user"}, roles, "fixtures replace what a subject held")
}

func TestEvaluateFixtureErrors(t *testing.T) {
	t.Parallel()
	cases := []authztest.Case{{Subject: "bob", Permission: "posts:write", Allow: true}}

	// admin already holds moderator, which holds user.
	_, err := authztest.Evaluate(t.Context(), newEngine(t), authztest.Table{
		Source: "cycle.yaml", Roles: map[string][]string{"user": {"admin"}}, Cases: cases,
	})
	require.ErrorIs(t, err, authz.ErrCycle)
	assert.Contains(t, err.Error(), "cycle.yaml: roles: user: ")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = authztest.Evaluate(ctx, newEngine(t), authztest.Table{Cases: cases})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestEvaluateNamesTheTableBySource(t *testing.T) {
	t.Parallel()
	report, err := authztest.Evaluate(t.Context(), newEngine(t), authztest.Table{
		Source: "policy_test.go",
		Cases:  []authztest.Case{{Subject: "mallory", Permission: "posts:read", Allow: true}},
	})
	require.NoError(t, err)
	assert.Equal(t, "policy_test.go", report.Table)
	require.Len(t, report.Results, 1)
	assert.Equal(t, "policy_test.go", report.Results[0].Case.Source, "a Go case is placed in its table's source")
}

func TestResultString(t *testing.T) {
	t.Parallel()
	problem := `want allow, got denied: no rule grants "posts:read" to "bob"`
	tests := []struct {
		r    authztest.Result
		want string
	}{
		{
			authztest.Result{Case: authztest.Case{Subject: "bob", Permission: "posts:read", Source: "t.yaml", Line: 4}, Problem: problem},
			"t.yaml:4: bob posts:read: " + problem,
		},
		{
			authztest.Result{Case: authztest.Case{Name: "users read", Subject: "bob", Permission: "posts:read", Owner: "carol"}, Problem: problem},
			"users read (bob posts:read owner carol): " + problem,
		},
		{
			authztest.Result{Case: authztest.Case{Subject: "bob", Permission: "posts:read", Source: "policy_test.go"}, Passed: true},
			"policy_test.go: bob posts:read: passed",
		},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.r.String())
	}
}
