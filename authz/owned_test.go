package authz_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// borrowed hands out strings that alias byte buffers it overwrites after
// every engine call, as fasthttp (and so Fiber) hands out strings that
// alias request buffers it reuses once a handler returns. An engine that
// kept such a string would find another name under its key later.
type borrowed struct{ bufs [][]byte }

func (b *borrowed) str(s string) string {
	if s == "" {
		return ""
	}
	buf := []byte(s)
	b.bufs = append(b.bufs, buf)
	return unsafe.String(unsafe.SliceData(buf), len(buf))
}

func (b *borrowed) grant(g authz.Grant) authz.Grant {
	return authz.Grant{Subject: b.str(g.Subject), Permission: permissions.Permission(b.str(string(g.Permission))),
		Scope: permissions.Scope(b.str(string(g.Scope))), Effect: authz.Effect(b.str(string(g.Effect)))}
}

// scribble overwrites every buffer handed out since the last call.
func (b *borrowed) scribble() {
	for _, buf := range b.bufs {
		for i := range buf {
			buf[i] = '#'
		}
	}
	b.bufs = b.bufs[:0]
}

// TestEngineKeepsNoMemoryItDoesNotOwn runs a long random sequence of edits
// whose every string aliases a buffer overwritten right after the call, and
// checks after each that the policy is the one the edits made, that
// decisions agree with an engine built from that policy, and, with a
// store, that the store holds the same policy.
func TestEngineKeepsNoMemoryItDoesNotOwn(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		opts  func(t *testing.T) []authz.Option
		steps int
	}{
		{"in memory", func(*testing.T) []authz.Option { return nil }, 1500},
		{"with a store", func(t *testing.T) []authz.Option { return []authz.Option{withDB(t, testdb.Open(t))} }, 400},
		{"custom matcher", func(*testing.T) []authz.Option {
			return []authz.Option{authz.WithModel(strings.Replace(defaultModelText(), "m = ", `m = r.sub == "root" || `, 1))}
		}, 600},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := tt.opts(t)
			e, err := authz.New(context.Background(), opts...)
			require.NoError(t, err)
			p, err := e.Policy(context.Background())
			require.NoError(t, err)
			want := linesOf(p)
			runBorrowedEdits(t, e, want, rand.New(rand.NewPCG(7, uint64(tt.steps))), tt.steps)
			if strings.HasPrefix(tt.name, "with a store") {
				require.NoError(t, e.Reload(context.Background()))
				reloaded, err := e.Policy(context.Background())
				require.NoError(t, err)
				assertPolicyLines(t, want, reloaded, "the store after the run")
			}
		})
	}
}

func runBorrowedEdits(t *testing.T, e *authz.Engine, want map[string]bool, rnd *rand.Rand, steps int) {
	ctx := context.Background()
	var b borrowed
	subjects := []string{"usr_1", "usr_2", "usr_3", "usr_4", "usr_5", "usr_6"}
	roles := []string{"user", "moderator", "admin", "suspended", "editor", "reviewer"}
	perms := []permissions.Permission{permissions.PostsRead, permissions.PostsDelete, permissions.UsersDelete, "posts:*", "users:read"}
	pick := func(names []string) string { return names[rnd.IntN(len(names))] }
	randomGrant := func() authz.Grant {
		g := authz.Grant{Subject: pick(append(subjects, roles...)), Permission: perms[rnd.IntN(len(perms))],
			Scope: permissions.Any, Effect: authz.Allow}
		if rnd.IntN(3) == 0 {
			g.Scope = permissions.Own
		}
		if rnd.IntN(4) == 0 {
			g.Effect = authz.Deny
		}
		return g
	}
	// expect applies a successful edit to want, or checks that a refusal
	// was the one the policy called for.
	expectLine := func(line string, present bool, err error) {
		t.Helper()
		switch {
		case err == nil:
			want[line] = present
			if !present {
				delete(want, line)
			}
		case errors.Is(err, authz.ErrExists):
			assert.True(t, want[line], "refused as existing but absent: %s", line)
		case errors.Is(err, authz.ErrNotFound):
			assert.False(t, want[line], "refused as missing but present: %s", line)
		case errors.Is(err, authz.ErrCycle), errors.Is(err, authz.ErrTooDeep):
		default:
			require.NoError(t, err)
		}
	}
	for step := 0; step < steps; step++ {
		switch op := rnd.IntN(7); op {
		case 0, 1:
			sub, role := pick(subjects), pick(roles)
			err := e.AssignRole(ctx, b.str(sub), b.str(role))
			expectLine(fmt.Sprintf("g, %s, %s", sub, role), true, err)
		case 2:
			sub, role := pick(subjects), pick(roles)
			err := e.UnassignRole(ctx, b.str(sub), b.str(role))
			expectLine(fmt.Sprintf("g, %s, %s", sub, role), false, err)
		case 3:
			g := randomGrant()
			expectLine(g.String(), true, e.AddGrant(ctx, b.grant(g)))
		case 4:
			g := randomGrant()
			expectLine(g.String(), false, e.RemoveGrant(ctx, b.grant(g)))
		case 5:
			sub := pick(subjects)
			set := []string{pick(roles), pick(roles)}
			require.NoError(t, e.SetRoles(ctx, b.str(sub), []string{b.str(set[0]), b.str(set[1])}))
			for line := range want {
				if strings.HasPrefix(line, "g, "+sub+", ") {
					delete(want, line)
				}
			}
			for _, role := range set {
				want[fmt.Sprintf("g, %s, %s", sub, role)] = true
			}
		case 6:
			sub := pick(subjects)
			require.NoError(t, e.RemoveSubject(ctx, b.str(sub)))
			for line := range want {
				if strings.HasPrefix(line, "p, "+sub+", ") || strings.HasPrefix(line, "g, "+sub+", ") || strings.HasSuffix(line, ", "+sub) {
					delete(want, line)
				}
			}
		}
		b.scribble()
		if step%25 == 0 || step == steps-1 {
			checkBorrowedRun(t, e, want, subjects, perms, step)
		}
	}
}

// checkBorrowedRun compares e's policy with want, and e's decisions with
// those of an engine built from want's text.
func checkBorrowedRun(t *testing.T, e *authz.Engine, want map[string]bool, subjects []string, perms []permissions.Permission, step int) {
	t.Helper()
	ctx := context.Background()
	p, err := e.Policy(ctx)
	require.NoError(t, err)
	assertPolicyLines(t, want, p, fmt.Sprintf("step %d", step))
	var text strings.Builder
	for line := range want {
		text.WriteString(line + "\n")
	}
	reference, err := authz.New(ctx, authz.WithPolicy(text.String()))
	require.NoError(t, err)
	for _, sub := range subjects {
		for _, perm := range perms {
			if perm.IsWildcard() {
				continue
			}
			for _, owner := range []string{sub, "usr_other", ""} {
				req := authz.Request{Subject: sub, Permission: perm, Resource: authz.Resource{Owner: owner}}
				got, err := e.Decide(ctx, req)
				require.NoError(t, err)
				ref, err := reference.Decide(ctx, req)
				require.NoError(t, err)
				require.Equal(t, ref.Allowed, got.Allowed, "step %d: %s %s owner %q", step, sub, perm, owner)
			}
		}
	}
}
