package authztest_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz/authztest"
)

// recorder is a testing.TB that keeps what Run reports instead of failing
// the test that uses it, so that failures can be checked without a failing
// test in the suite. It has no Run method, so Run reports on it directly.
type recorder struct {
	testing.TB // nil: Run calling anything else panics
	ctx        context.Context
	errors     []string
	fatal      bool
}

func (r *recorder) Helper()                  {}
func (r *recorder) Context() context.Context { return r.ctx }
func (r *recorder) Error(args ...any)        { r.errors = append(r.errors, fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.Error(args...); r.fatal = true; runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	r.fatal = true
	runtime.Goexit()
}

// record calls f with a recorder on a goroutine of its own, as the testing
// package runs a test, so that Fatal can stop it.
func record(t *testing.T, f func(tb testing.TB)) *recorder {
	t.Helper()
	r := &recorder{ctx: t.Context()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	return r
}

func TestRunReportsEveryFailingCase(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	table := authztest.Table{
		Source: "policy_test.go",
		Roles:  map[string][]string{"bob": {"user"}},
		Cases: []authztest.Case{
			{Subject: "bob", Permission: "posts:read", Owner: "bob", Allow: true},
			{Name: "users cannot read others' posts", Subject: "bob", Permission: "posts:read", Owner: "carol", Allow: true},
			{Subject: "bob", Permission: "posts:write", Allow: true, Rule: authztest.NoRule},
		},
	}
	r := record(t, func(tb testing.TB) { authztest.Run(tb, e, table) })
	assert.False(t, r.fatal)
	assert.Equal(t, []string{
		`policy_test.go: users cannot read others' posts (bob posts:read owner carol): want allow, got denied: no rule grants "posts:read" to "bob" on resource owned by "carol"`,
		`policy_test.go: bob posts:write: want allow with no rule matching, got allowed by rule "p, user, posts:write, any, allow"`,
	}, r.errors)
}

func TestRunFileReportsLines(t *testing.T) {
	t.Parallel()
	e := newEngine(t)
	require.NoError(t, e.AssignRole(t.Context(), "carol", "admin"))
	// The file's fixtures make carol a moderator again; were they not
	// applied, admin's wildcard would allow users:delete.
	r := record(t, func(tb testing.TB) { authztest.RunFile(tb, e, "testdata/moderators.yaml") })
	assert.False(t, r.fatal)
	assert.Empty(t, r.errors)

	r = record(t, func(tb testing.TB) {
		authztest.Run(tb, e, authztest.Table{
			Source: "testdata/moderators.yaml",
			Cases: []authztest.Case{{
				Subject: "carol", Permission: "users:delete", Owner: "bob", Allow: true,
				Source: "testdata/moderators.yaml", Line: 12,
			}},
		})
	})
	assert.Equal(t, []string{
		`testdata/moderators.yaml:12: carol users:delete owner bob: want allow, got denied: no rule grants "users:delete" to "carol" on resource owned by "bob"`,
	}, r.errors)
}

func TestRunStopsAtOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(tb testing.TB)
		want string
	}{
		{
			name: "no cases",
			run:  func(tb testing.TB) { authztest.Run(tb, newEngine(t), authztest.Table{Name: "empty"}) },
			want: `decision table "empty" has no cases`,
		},
		{
			name: "fixture that cannot be assigned",
			run: func(tb testing.TB) {
				authztest.Run(tb, newEngine(t), authztest.Table{
					Name:  "cycle",
					Roles: map[string][]string{"user": {"admin"}},
					Cases: []authztest.Case{{Subject: "bob", Permission: "posts:write"}},
				})
			},
			want: `cycle: roles: user: role inheritance cycle: `,
		},
		{
			name: "invalid file",
			run:  func(tb testing.TB) { authztest.RunFile(tb, newEngine(t), "testdata/invalid.yaml") },
			want: `testdata/invalid.yaml:7: want: "maybe": use allow or deny`,
		},
		{
			name: "missing file",
			run:  func(tb testing.TB) { authztest.RunFile(tb, newEngine(t), "testdata/missing.yaml") },
			want: "testdata/missing.yaml",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := record(t, tc.run)
			assert.True(t, r.fatal)
			require.Len(t, r.errors, 1)
			assert.Contains(t, r.errors[0], tc.want)
		})
	}
}

// namingT is a *testing.T that records the subtests it runs.
type namingT struct {
	*testing.T
	names []string
}

func (n *namingT) Run(name string, f func(t *testing.T)) bool {
	n.names = append(n.names, name)
	return n.T.Run(name, f)
}

// TestRunMakesSubtests runs a passing table on a real *testing.T: every
// case is a subtest named after it.
func TestRunMakesSubtests(t *testing.T) {
	t.Parallel()
	n := &namingT{T: t}
	authztest.Run(n, newEngine(t), authztest.Table{
		Roles: map[string][]string{"bob": {"user"}},
		Cases: []authztest.Case{
			{Subject: "bob", Permission: "posts:write", Allow: true, Rule: "p, user, posts:write, any, allow"},
			{Name: "nobody's post", Subject: "bob", Permission: "posts:read", Rule: authztest.NoRule},
		},
	})
	assert.Equal(t, []string{"bob posts:write", "nobody's post"}, n.names)
}
