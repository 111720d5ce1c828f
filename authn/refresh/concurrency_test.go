package refresh_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// rotateAtOnce presents value to Rotate from n goroutines released
// together and returns what each got.
func rotateAtOnce(s *refresh.Store, value string, n int) ([]refresh.Token, []error) {
	var (
		wg     sync.WaitGroup
		ready  = make(chan struct{})
		tokens = make([]refresh.Token, n)
		errs   = make([]error, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			tokens[i], errs[i] = s.Rotate(context.Background(), value)
		}()
	}
	close(ready)
	wg.Wait()
	return tokens, errs
}

func TestConcurrentRotation(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		tests := []struct {
			name    string
			callers int
			rounds  int
		}{
			{"two callers", 2, 10},
			{"eight callers", 8, 3},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := newFixtureOn(t, backend, refresh.Config{})
				for round := range tt.rounds {
					tok := f.issue(t, "alice")
					tokens, errs := rotateAtOnce(f.store, tok.Value.Reveal(), tt.callers)

					var winner refresh.Token
					wins, reuses := 0, 0
					for i, err := range errs {
						switch {
						case err == nil:
							wins++
							winner = tokens[i]
						case errors.Is(err, authn.ErrTokenReused):
							reuses++
						default:
							// A caller that arrives after the family died
							// finds it revoked.
							assert.ErrorIs(t, err, authn.ErrTokenRevoked, "round %d", round)
						}
					}
					require.Equal(t, 1, wins, "round %d: exactly one rotation succeeds", round)
					assert.GreaterOrEqual(t, reuses, 1, "round %d: a loser is reuse", round)
					if tt.callers == 2 {
						assert.Equal(t, 1, reuses, "round %d: the one loser is reuse", round)
					}
					assert.Zero(t, f.rows(t, "family_id = ? AND revoked_at IS NULL", tok.FamilyID), "round %d: the family died", round)
					assert.EqualValues(t, 2, f.rows(t, "family_id = ?", tok.FamilyID), "round %d: one successor was stored", round)
					_, err := f.store.Rotate(ctx, winner.Value.Reveal())
					assert.ErrorIs(t, err, authn.ErrTokenRevoked, "round %d: the winner's token died with its family", round)
				}
			})
		}
	})
}

func TestConcurrentRotationOfDifferentFamilies(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		f := newFixtureOn(t, backend, refresh.Config{})
		const families = 8
		start := make([]refresh.Token, families)
		for i := range start {
			start[i] = f.issue(t, "alice")
		}
		var wg sync.WaitGroup
		errs := make([]error, families)
		for i, tok := range start {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 3 {
					tok, errs[i] = f.store.Rotate(context.Background(), tok.Value.Reveal())
					if errs[i] != nil {
						return
					}
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			assert.NoError(t, err, "family %d: rotations of different families do not interfere", i)
		}
		assert.Zero(t, f.rows(t, "revoked_at IS NOT NULL"))
	})
}
