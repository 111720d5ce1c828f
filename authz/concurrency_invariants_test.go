package authz_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// TestConcurrentEditInvariants races decisions against every kind of edit on
// one persisted engine and checks three things no interleaving may break:
// a decision that starts after a revoking edit has returned denies, and one
// that returns before the edit starts still allows; every edit that
// returned nil is in the policy, in memory and in the store, and no edit
// that failed is; and no decision or query fails meanwhile.
//
// Time is a sequence counter, not the wall clock: a decision that takes its
// number after the revoking edit took its own started after the edit had
// returned, whatever the scheduler did.
func TestConcurrentEditInvariants(t *testing.T) {
	t.Parallel()
	models := []struct {
		name  string
		model string
	}{
		{"indexed", defaultModelText()},
		// Another matcher, so that decisions run Casbin's Enforce on the
		// enforcer that edits change.
		{"casbin", strings.Replace(defaultModelText(), "m = ", `m = r.sub == "root" || `, 1)},
	}
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		for _, m := range models {
			t.Run(m.name, func(t *testing.T) {
				t.Parallel()
				db := b.New(t)
				e := newEngine(t, withDB(t, db.Open(t)), authz.WithModel(m.model))
				require.Equal(t, m.name == "indexed", e.Indexed())
				rounds := 6
				if b.IsServer() {
					rounds = 3
				}
				checkEditInvariants(t, e, func() *authz.Engine {
					reopened, err := authz.New(context.Background(), withDB(t, db.Open(t)), authz.WithModel(m.model))
					require.NoError(t, err)
					return reopened
				}, rounds)
			})
		}
	})
}

// A revocation is one subject losing posts:write by one kind of edit,
// which takes the lines gone from the policy and puts in those added.
type revocation struct {
	subject     string
	prepare     func(ctx context.Context, e *authz.Engine) error
	revoke      func(ctx context.Context, e *authz.Engine) error
	gone, added []string
}

// writePosts is the grant revocations take away, before its subject is set.
var writePosts = authz.Grant{Permission: permissions.PostsWrite, Scope: permissions.Any}

// grantTo returns g given to subject.
func grantTo(subject string, g authz.Grant) authz.Grant {
	g.Subject = subject
	return g
}

// revocations returns one revocation of each kind, by subjects of their
// own, so that they can race.
func revocations() []revocation {
	holdUser := func(subject string) func(context.Context, *authz.Engine) error {
		return func(ctx context.Context, e *authz.Engine) error { return e.AssignRole(ctx, subject, "user") }
	}
	return []revocation{
		{"unassigned", holdUser("unassigned"), func(ctx context.Context, e *authz.Engine) error {
			return e.UnassignRole(ctx, "unassigned", "user")
		}, []string{"g, unassigned, user"}, nil},
		{"reset", holdUser("reset"), func(ctx context.Context, e *authz.Engine) error {
			return e.SetRoles(ctx, "reset", []string{"suspended"})
		}, []string{"g, reset, user"}, []string{"g, reset, suspended"}},
		{"removed", holdUser("removed"), func(ctx context.Context, e *authz.Engine) error {
			return e.RemoveSubject(ctx, "removed")
		}, []string{"g, removed, user"}, nil},
		{"ungranted", func(ctx context.Context, e *authz.Engine) error {
			return e.AddGrant(ctx, grantTo("ungranted", writePosts))
		}, func(ctx context.Context, e *authz.Engine) error {
			return e.RemoveGrant(ctx, grantTo("ungranted", writePosts))
		}, []string{"p, ungranted, posts:write, any, allow"}, nil},
		{"denied", holdUser("denied"), func(ctx context.Context, e *authz.Engine) error {
			g := grantTo("denied", writePosts)
			g.Effect = authz.Deny
			return e.AddGrant(ctx, g)
		}, nil, []string{"p, denied, posts:write, any, deny"}},
		{"suspended-user", holdUser("suspended-user"), func(ctx context.Context, e *authz.Engine) error {
			return e.AssignRole(ctx, "suspended-user", "suspended")
		}, nil, []string{"g, suspended-user, suspended"}},
		// A role losing its grant revokes it from every member at once.
		{"member", func(ctx context.Context, e *authz.Engine) error {
			if err := e.AddGrant(ctx, grantTo("writers", writePosts)); err != nil {
				return err
			}
			return e.AssignRole(ctx, "member", "writers")
		}, func(ctx context.Context, e *authz.Engine) error {
			return e.RemoveGrant(ctx, grantTo("writers", writePosts))
		}, []string{"p, writers, posts:write, any, allow"}, nil},
	}
}

// observation is one decision on a revoked subject, between two sequence
// numbers.
type observation struct {
	subject    int
	start, end int64
	allowed    bool
}

// checkEditInvariants runs the race on e and checks its outcome; reopen
// returns a new engine on e's store.
func checkEditInvariants(t *testing.T, e *authz.Engine, reopen func() *authz.Engine, rounds int) {
	ctx := context.Background()
	revs := revocations()
	for _, r := range revs {
		require.NoError(t, r.prepare(ctx, e), r.subject)
		require.True(t, allowed(t, e, r.subject, permissions.PostsWrite, ""), r.subject)
	}
	before, err := e.Policy(ctx)
	require.NoError(t, err)
	want := linesOf(before)

	var (
		seq                    atomic.Int64
		revokeStart, revokeEnd = make([]atomic.Int64, len(revs)), make([]atomic.Int64, len(revs))
		editing, deciding      sync.WaitGroup
		// edited ticks once an edit returns: deciders make a few rounds
		// of decisions per edit, so that they spread over the whole race
		// without taking the CPU from the editors.
		ticks  = make(chan struct{}, 256)
		edited = func() {
			select {
			case ticks <- struct{}{}:
			default:
			}
		}
		stopDeciding = make(chan struct{})
		errs         = make(chan error, 64)
		report       = func(err error) {
			select {
			case errs <- err:
			default:
			}
		}
		start = make(chan struct{})
	)

	// Deciders: decisions on every revoked subject and on subjects nobody
	// edits, with queries in between, until the edits are done.
	const deciders, roundsPerEdit = 3, 4
	seen := make([][]observation, deciders)
	for d := range deciders {
		deciding.Add(1)
		go func() {
			defer deciding.Done()
			<-start
			for round := 0; ; round++ {
				if round%roundsPerEdit == 0 {
					select {
					case <-ticks:
					case <-stopDeciding:
						return
					}
				}
				for i, r := range revs {
					s := seq.Add(1)
					dec, err := e.Decide(ctx, authz.Request{Subject: r.subject, Permission: permissions.PostsWrite})
					if err != nil {
						report(fmt.Errorf("decide %s: %w", r.subject, err))
						return
					}
					seen[d] = append(seen[d], observation{subject: i, start: s, end: seq.Add(1), allowed: dec.Allowed})
				}
				if !allowedNoErr(ctx, e, "carol", permissions.PostsDelete, "bob", report) ||
					allowedNoErr(ctx, e, "bob", permissions.UsersRead, "", report) {
					report(errors.New("a decision nobody edited changed"))
					return
				}
				if _, err := e.Roles(ctx, "reset"); err != nil {
					report(err)
					return
				}
				if _, err := e.Filter(ctx, "member", permissions.PostsWrite); err != nil {
					report(err)
					return
				}
				if round%8 == 0 {
					if _, err := e.Policy(ctx); err != nil {
						report(err)
						return
					}
				}
			}
		}()
	}

	// Revokers: two goroutines share the revocations, each made once, and
	// pace them with edits that cancel out, so that they fall throughout
	// the race rather than at its start.
	const revokers = 2
	for v := range revokers {
		editing.Add(1)
		go func() {
			defer editing.Done()
			<-start
			pace := authz.Grant{Subject: fmt.Sprintf("pacer-%d", v), Permission: "pace:act", Scope: permissions.Any}
			for i := v; i < len(revs); i += revokers {
				for range rounds / 2 {
					if err := errors.Join(e.AddGrant(ctx, pace), e.RemoveGrant(ctx, pace)); err != nil {
						report(fmt.Errorf("pace: %w", err))
						return
					}
					edited()
				}
				revokeStart[i].Store(seq.Add(1))
				if err := revs[i].revoke(ctx, e); err != nil {
					report(fmt.Errorf("revoke %s: %w", revs[i].subject, err))
					return
				}
				edited()
				revokeEnd[i].Store(seq.Add(1))
			}
		}()
	}

	// Churners: each owns a subject and edits it at random, predicting
	// every result from the edits of its own that returned.
	const churners = 3
	owned := make([]map[string]bool, churners)
	for c := range churners {
		editing.Add(1)
		go func() {
			defer editing.Done()
			<-start
			owned[c] = churn(ctx, e, fmt.Sprintf("churner-%d", c), rand.New(rand.NewPCG(uint64(c), 1)), rounds*8, edited, report)
		}()
	}

	// Contenders: every one adds and removes the same grants; of racing
	// identical edits exactly one may succeed.
	const contenders, contested = 3, 4
	var adds, removes [contested]atomic.Int64
	for c := range contenders {
		editing.Add(1)
		go func() {
			defer editing.Done()
			<-start
			for round := range rounds {
				for k := range contested {
					// Each contender takes the grants in another order.
					i := (k + c + round) % contested
					g := contestedGrant(i)
					switch err := e.AddGrant(ctx, g); {
					case err == nil:
						adds[i].Add(1)
						edited()
					case !errors.Is(err, authz.ErrExists):
						report(fmt.Errorf("add %s: %w", g, err))
					}
					if (round+c)%2 == 0 {
						continue
					}
					switch err := e.RemoveGrant(ctx, g); {
					case err == nil:
						removes[i].Add(1)
						edited()
					case !errors.Is(err, authz.ErrNotFound):
						report(fmt.Errorf("remove %s: %w", g, err))
					}
				}
			}
		}()
	}

	close(start)
	editing.Wait()
	close(stopDeciding)
	deciding.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}

	for i, r := range revs {
		require.NotZero(t, revokeEnd[i].Load(), "%s was revoked", r.subject)
	}

	// (a) Revocations take effect when they return, and not before they
	// start. One message per subject is enough to read.
	var afterEnd, beforeStart int
	failed := make([]bool, len(revs))
	for _, obs := range seen {
		for _, o := range obs {
			r, end, start := revs[o.subject], revokeEnd[o.subject].Load(), revokeStart[o.subject].Load()
			var wrong string
			switch {
			case o.start > end:
				afterEnd++
				if o.allowed {
					wrong = fmt.Sprintf("allowed by a decision that started at %d, after its revocation returned at %d", o.start, end)
				}
			case o.end < start:
				beforeStart++
				if !o.allowed {
					wrong = fmt.Sprintf("denied by a decision that returned at %d, before its revocation started at %d", o.end, start)
				}
			}
			if wrong != "" && !failed[o.subject] {
				failed[o.subject] = true
				t.Errorf("%s %s", r.subject, wrong)
			}
		}
	}
	t.Logf("%d decisions after a revocation returned, %d before it started", afterEnd, beforeStart)
	for _, r := range revs {
		assert.False(t, allowed(t, e, r.subject, permissions.PostsWrite, ""), "%s after the race", r.subject)
	}

	// (b) No edit lost or doubled: the policy is the one the edits that
	// returned nil make, in memory and in the store.
	for _, r := range revs {
		for _, line := range r.gone {
			require.True(t, want[line], "%s: %q was in the policy", r.subject, line)
			delete(want, line)
		}
		for _, line := range r.added {
			want[line] = true
		}
	}
	for _, lines := range owned {
		for line := range lines {
			want[line] = true
		}
	}
	for k := range contested {
		held := adds[k].Load() - removes[k].Load()
		require.Contains(t, []int64{0, 1}, held, "%s: %d adds, %d removes succeeded", contestedGrant(k), adds[k].Load(), removes[k].Load())
		if held == 1 {
			want[contestedGrant(k).String()] = true
		}
	}
	after, err := e.Policy(ctx)
	require.NoError(t, err)
	assertPolicyLines(t, want, after, "in memory")
	stored, err := reopen().Policy(ctx)
	require.NoError(t, err)
	assertPolicyLines(t, want, stored, "in the store")
}

// allowedNoErr is allowed for goroutines that may not fail the test.
func allowedNoErr(ctx context.Context, e *authz.Engine, subject string, perm permissions.Permission, owner string, report func(error)) bool {
	d, err := e.Decide(ctx, authz.Request{Subject: subject, Permission: perm, Resource: authz.Resource{Owner: owner}})
	if err != nil {
		report(fmt.Errorf("decide %s %s: %w", subject, perm, err))
	}
	return d.Allowed
}

// contestedGrant is the kth of the grants every contender edits.
func contestedGrant(k int) authz.Grant {
	return authz.Grant{Subject: "contested", Permission: permissions.Permission(fmt.Sprintf("contest:act%d", k)), Scope: permissions.Any, Effect: authz.Allow}
}

// churn makes steps random edits to subject, which nobody else edits,
// calling edited after each that succeeds. It checks each result, and the
// decision after it, against its own record of the subject's rules, which
// it returns as policy lines.
func churn(ctx context.Context, e *authz.Engine, subject string, rnd *rand.Rand, steps int, edited func(), report func(error)) map[string]bool {
	roles := []string{"user", "moderator", "suspended"}
	grants := map[permissions.Permission]bool{}
	held := map[string]bool{}
	for range steps {
		perm := permissions.Permission(fmt.Sprintf("churn:act%d", rnd.IntN(3)))
		g := authz.Grant{Subject: subject, Permission: perm, Scope: permissions.Any}
		role := roles[rnd.IntN(len(roles))]
		var name string
		var err, want error
		switch rnd.IntN(6) {
		case 0:
			name, err = "AddGrant", e.AddGrant(ctx, g)
			if grants[perm] {
				want = authz.ErrExists
			} else {
				grants[perm] = true
			}
		case 1:
			name, err = "RemoveGrant", e.RemoveGrant(ctx, g)
			if !grants[perm] {
				want = authz.ErrNotFound
			}
			delete(grants, perm)
		case 2:
			name, err = "AssignRole", e.AssignRole(ctx, subject, role)
			if held[role] {
				want = authz.ErrExists
			}
			held[role] = true
		case 3:
			name, err = "UnassignRole", e.UnassignRole(ctx, subject, role)
			if !held[role] {
				want = authz.ErrNotFound
			}
			delete(held, role)
		case 4:
			set := []string{role, roles[rnd.IntN(len(roles))]}
			name, err = "SetRoles", e.SetRoles(ctx, subject, set)
			held = map[string]bool{}
			for _, r := range set {
				held[r] = true
			}
		case 5:
			name, err = "RemoveSubject", e.RemoveSubject(ctx, subject)
			grants, held = map[permissions.Permission]bool{}, map[string]bool{}
		}
		if (want == nil && err != nil) || (want != nil && !errors.Is(err, want)) {
			report(fmt.Errorf("%s %s: got %v, want %v", subject, name, err, want))
			return nil
		}
		if err == nil {
			edited()
		}
		d, err := e.Decide(ctx, authz.Request{Subject: subject, Permission: perm})
		if err != nil || d.Allowed != grants[perm] {
			report(fmt.Errorf("%s: %s after %s: allowed=%v err=%v", subject, perm, name, d.Allowed, err))
			return nil
		}
	}
	lines := map[string]bool{}
	for perm := range grants {
		lines[authz.Grant{Subject: subject, Permission: perm, Scope: permissions.Any, Effect: authz.Allow}.String()] = true
	}
	for role := range held {
		lines[authz.RoleAssignment{Member: subject, Role: role}.String()] = true
	}
	return lines
}

// linesOf returns p's lines as a set.
func linesOf(p authz.Policy) map[string]bool {
	lines := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(p.String()), "\n") {
		lines[line] = true
	}
	return lines
}

// assertPolicyLines checks that p holds exactly the lines of want, each
// once.
func assertPolicyLines(t *testing.T, want map[string]bool, p authz.Policy, where string) {
	t.Helper()
	got := strings.Split(strings.TrimSpace(p.String()), "\n")
	slices.Sort(got)
	assert.Equal(t, len(got), len(slices.Compact(slices.Clone(got))), "%s: no line twice", where)
	wantLines := make([]string, 0, len(want))
	for line := range want {
		wantLines = append(wantLines, line)
	}
	slices.Sort(wantLines)
	assert.Equal(t, wantLines, slices.Compact(got), where)
}
