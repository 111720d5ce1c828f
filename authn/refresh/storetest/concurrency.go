package storetest

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

// racers is how many goroutines race in each concurrency case, half on
// each of two handles.
const racers = 16

// race runs fn(i) for i in [0, n) at once, on handles that alternate
// between two, and waits for them all.
func race(t *testing.T, open Open, n int, fn func(i int, s refresh.Store)) {
	t.Helper()
	racetest.Run(n, []refresh.Store{open(t), open(t)}, fn)
}

// Of rotations racing on one token exactly one rotates it; every other
// finds it used, and revokes the family, the winner's successor with it,
// or finds the family revoked.
func testConcurrentRotation(t *testing.T, fresh Fresh) {
	for _, tt := range []struct {
		name            string
		callers, rounds int
	}{
		{"two callers", 2, 10},
		{"many callers", racers, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			at := base.Add(time.Minute)
			for round := range tt.rounds {
				tok := insert(t, s, newFamily(t, "alice", base))
				nexts := make([]refresh.Record, tt.callers)
				for i := range nexts {
					nexts[i] = newNext(t, at)
				}
				rots := make([]refresh.Rotation, tt.callers)
				errs := make([]error, tt.callers)
				race(t, open, tt.callers, func(i int, s refresh.Store) {
					rots[i], errs[i] = s.Rotate(bg, tok.TokenHash, nexts[i], at)
				})

				winner, reuses := -1, 0
				for i, rot := range rots {
					require.NoError(t, errs[i], "round %d, caller %d", round, i)
					switch rot.Outcome {
					case refresh.Rotated:
						require.Equal(t, -1, winner, "round %d: a second winner, %d", round, i)
						winner = i
					case refresh.Reused:
						reuses++
					default:
						assert.Equal(t, refresh.Revoked, rot.Outcome, "round %d, caller %d: a loser that came after the family died", round, i)
					}
				}
				require.NotEqual(t, -1, winner, "round %d: exactly one rotation succeeds", round)
				assert.GreaterOrEqual(t, reuses, 1, "round %d: a loser is reuse", round)
				if tt.callers == 2 {
					assert.Equal(t, 1, reuses, "round %d: the one loser is reuse", round)
				}
				for i, next := range nexts {
					got, found := find(t, s, next.TokenHash)
					if i != winner {
						assert.False(t, found, "round %d: a loser's successor, %d, was stored", round, i)
						continue
					}
					if assert.True(t, found, "round %d: the winner's successor is stored", round) {
						assert.False(t, got.RevokedAt.IsZero(), "round %d: the winner's successor died with its family", round)
					}
				}
				presented, _ := find(t, s, tok.TokenHash)
				assert.True(t, presented.UsedAt.Equal(at) && presented.RevokedAt.Equal(at), "round %d: %+v", round, presented)
				assert.Empty(t, live(t, s, "alice", at), "round %d: the family died", round)
			}
		})
	}
}

// Rotations of different families, racing, do not interfere.
func testConcurrentRotationOfDifferentFamilies(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	tokens := make([]refresh.Record, racers)
	for i := range tokens {
		tokens[i] = insert(t, s, newFamily(t, "alice", base))
	}
	errs := make([]error, racers)
	outcomes := make([]refresh.Outcome, racers)
	race(t, open, racers, func(i int, s refresh.Store) {
		for step := range 3 {
			at := base.Add(time.Duration(step+1) * time.Minute)
			var rot refresh.Rotation
			rot, errs[i] = s.Rotate(bg, tokens[i].TokenHash, newNext(t, at), at)
			if errs[i] != nil || rot.Outcome != refresh.Rotated {
				outcomes[i] = rot.Outcome
				return
			}
			tokens[i] = rot.Next
		}
		outcomes[i] = refresh.Rotated
	})
	for i := range racers {
		require.NoError(t, errs[i], "family %d", i)
		assert.Equal(t, refresh.Rotated, outcomes[i], "family %d: rotations of different families do not interfere", i)
	}
	assert.Equal(t, byHash(tokens...), live(t, s, "alice", base.Add(3*time.Minute)), "the newest token of every family is live")
}

// maxChain bounds the rotations of each family in
// RevocationReachesRacingRotations.
const maxChain = 50

// A revocation reaches every successor that rotations racing it store:
// once it has returned, no rotation of the family or subject succeeds, and
// no token of it is live.
func testRevocationReachesRacingRotations(t *testing.T, fresh Fresh) {
	const families = 4
	for _, tt := range []struct {
		name string
		// revoke ends the families of hit, whose first tokens are firsts.
		revoke func(t *testing.T, s refresh.Store, firsts []refresh.Record, at time.Time)
		// hit reports whether the revocation ends family i.
		hit func(i int) bool
	}{
		{"RevokeSubject", func(t *testing.T, s refresh.Store, firsts []refresh.Record, at time.Time) {
			_, err := s.RevokeSubject(bg, "alice", at)
			require.NoError(t, err)
		}, func(i int) bool { return i < families }},
		{"RevokeFamily", func(t *testing.T, s refresh.Store, firsts []refresh.Record, at time.Time) {
			found, err := s.RevokeFamily(bg, firsts[0].FamilyID, "alice", at)
			require.NoError(t, err)
			require.True(t, found)
		}, func(i int) bool { return i == 0 }},
		{"reuse", func(t *testing.T, s refresh.Store, firsts []refresh.Record, at time.Time) {
			// The first token, long rotated, presented by a thief.
			rot, err := s.Rotate(bg, firsts[0].TokenHash, newNext(t, at), at)
			require.NoError(t, err)
			require.Equal(t, refresh.Reused, rot.Outcome)
		}, func(i int) bool { return i == 0 }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			// alice's families race the revocation; bob's is a bystander.
			firsts := make([]refresh.Record, families+1)
			for i := range firsts {
				subject := "alice"
				if i == families {
					subject = "bob"
				}
				firsts[i] = insert(t, s, newFamily(t, subject, base))
			}
			at := base.Add(time.Minute)
			var revokedDone atomic.Bool
			var started sync.WaitGroup
			started.Add(len(firsts))
			rotated := make([][]refresh.Record, len(firsts))
			errs := make([]error, len(firsts))
			var wg sync.WaitGroup
			for i := range firsts {
				h := open(t)
				wg.Go(func() {
					var signal sync.Once
					defer signal.Do(started.Done) // if it never rotated twice
					tok := firsts[i]
					afterwards := 0
					// Bounded, so that a backend with one writer at a time
					// (SQLite) is not starved for longer than it waits for
					// a lock.
					for len(rotated[i]) < maxChain {
						after := revokedDone.Load()
						rot, err := h.Rotate(bg, tok.TokenHash, newNext(t, at), at)
						if err != nil {
							errs[i] = err
							return
						}
						if rot.Outcome != refresh.Rotated {
							if !tt.hit(i) {
								errs[i] = fmt.Errorf("an untouched family's rotation: %v", rot.Outcome)
							}
							return
						}
						if after && tt.hit(i) {
							errs[i] = errors.New("rotated after its family's revocation returned")
							return
						}
						rotated[i] = append(rotated[i], rot.Next)
						tok = rot.Next
						if len(rotated[i]) == 2 {
							signal.Do(started.Done)
						}
						if after {
							if afterwards++; afterwards == 3 {
								return // an untouched family went on a while
							}
						}
					}
				})
			}
			started.Wait() // every family is rotating: revoke among them
			tt.revoke(t, open(t), firsts, at)
			revokedDone.Store(true)
			wg.Wait()

			for i := range firsts {
				require.NoError(t, errs[i], "family %d", i)
				tokens := append([]refresh.Record{firsts[i]}, rotated[i]...)
				for j, rec := range tokens {
					got, found := find(t, s, rec.TokenHash)
					require.True(t, found, "family %d, token %d", i, j)
					if tt.hit(i) {
						assert.False(t, got.RevokedAt.IsZero(), "family %d, token %d outlived the revocation", i, j)
					} else {
						assert.True(t, got.RevokedAt.IsZero(), "family %d, token %d was revoked", i, j)
					}
				}
			}
			var want []refresh.Record
			for i := range families {
				if !tt.hit(i) {
					want = append(want, rotated[i][len(rotated[i])-1])
				}
			}
			assert.Equal(t, byHash(want...), live(t, s, "alice", at), "only the untouched families are live")
			last := firsts[families]
			if n := len(rotated[families]); n > 0 {
				last = rotated[families][n-1]
			}
			assert.Equal(t, byHash(last), live(t, s, "bob", at), "another subject's family is untouched")
		})
	}
}

// Racing RevokeSubject calls revoke each token once between them.
func testConcurrentRevokeSubject(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	const tokens = 24
	for i := range tokens {
		rec := insert(t, s, newFamily(t, "alice", base))
		if i%3 == 0 {
			mustRotate(t, s, rec, base.Add(time.Minute))
		}
	}
	bob := insert(t, s, newFamily(t, "bob", base))
	var counted atomic.Int64
	errs := make([]error, racers)
	race(t, open, racers, func(i int, s refresh.Store) {
		n, err := s.RevokeSubject(bg, "alice", base.Add(time.Duration(i+2)*time.Minute))
		errs[i] = err
		counted.Add(n)
	})
	for i, err := range errs {
		require.NoError(t, err, "racer %d", i)
	}
	assert.Equal(t, int64(tokens+tokens/3), counted.Load(), "every token of the subject, counted once")
	assert.Empty(t, live(t, s, "alice", base.Add(time.Minute)))
	assertStored(t, s, bob, "another subject is untouched")
}
