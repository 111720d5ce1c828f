package authz_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// TestConcurrentDecisionsAndEdits runs decisions and queries from many
// goroutines while others edit the policy. Run under -race it checks the
// locking; its assertions check that every edit is seen by the decision that
// follows it in the same goroutine, and that steady grants never flicker.
func TestConcurrentDecisionsAndEdits(t *testing.T) {
	t.Parallel()
	for _, store := range []string{"memory", "sqlite"} {
		t.Run(store, func(t *testing.T) {
			t.Parallel()
			var opts []authz.Option
			rounds := 25
			if store == "sqlite" {
				opts = append(opts, withDB(t, testdb.Open(t)))
				rounds = 8
			}
			runConcurrently(t, newEngine(t, opts...), rounds)
		})
	}
}

func runConcurrently(t *testing.T, e *authz.Engine, rounds int) {
	ctx := context.Background()
	const writers, readers = 4, 4
	// Readers stop when the writers are done, or after a bounded number of
	// rounds, whichever comes first: the machine may have two cores.
	const readerRounds = 400
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, writers+readers)

	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < readerRounds && !done.Load(); i++ {
				// carol's grants are never edited: the answer must never change.
				d, err := e.Decide(ctx, authz.Request{Subject: "carol", Permission: permissions.PostsDelete, Resource: authz.Resource{Owner: "bob"}})
				if err != nil || !d.Allowed {
					errs <- fmt.Errorf("steady decision flickered: %v %v", d.Reason(), err)
					return
				}
				if _, err := e.Decide(ctx, authz.Request{Subject: fmt.Sprintf("w%d", i%writers), Permission: "res:act"}); err != nil {
					errs <- err
					return
				}
				if _, err := e.Roles(ctx, "alice"); err != nil {
					errs <- err
					return
				}
				if _, err := e.Filter(ctx, "bob", permissions.PostsRead); err != nil {
					errs <- err
					return
				}
				if i%16 == 0 {
					if _, err := e.Policy(ctx); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}

	var writing sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		writing.Add(1)
		go func() {
			defer wg.Done()
			defer writing.Done()
			subject := fmt.Sprintf("w%d", w)
			grant := authz.Grant{Subject: subject, Permission: "res:act", Scope: permissions.Any}
			check := func(want bool, after string) bool {
				d, err := e.Decide(ctx, authz.Request{Subject: subject, Permission: "res:act"})
				if err != nil || d.Allowed != want {
					errs <- fmt.Errorf("%s: decision after %s: allowed=%v err=%v", subject, after, d.Allowed, err)
					return false
				}
				return true
			}
			for i := 0; i < rounds; i++ {
				steps := []struct {
					name string
					edit func() error
					want bool
				}{
					{"AddGrant", func() error { return e.AddGrant(ctx, grant) }, true},
					{"RemoveGrant", func() error { return e.RemoveGrant(ctx, grant) }, false},
					{"AssignRole", func() error { return e.AssignRole(ctx, subject, "admin") }, false},
					{"SetRoles", func() error { return e.SetRoles(ctx, subject, []string{"moderator", "user"}) }, false},
					{"UnassignRole", func() error { return e.UnassignRole(ctx, subject, "moderator") }, false},
					{"RemoveSubject", func() error { return e.RemoveSubject(ctx, subject) }, false},
				}
				for _, step := range steps {
					if err := step.edit(); err != nil {
						errs <- fmt.Errorf("%s: %s: %w", subject, step.name, err)
						return
					}
					if !check(step.want, step.name) {
						return
					}
				}
			}
		}()
	}
	writing.Wait()
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}

	p, err := e.Policy(ctx)
	require.NoError(t, err)
	for w := 0; w < writers; w++ {
		assert.NotContains(t, p.String(), fmt.Sprintf("w%d,", w), "every writer removed itself last")
	}
}
