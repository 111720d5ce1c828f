package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
)

// replaceIfNone runs ReplaceIfNone and returns whether it replaced.
func replaceIfNone(t *testing.T, s recovery.Store, userID string, digests [][32]byte, at time.Time) bool {
	t.Helper()
	replaced, err := s.ReplaceIfNone(bg, userID, digests, at)
	require.NoError(t, err, "ReplaceIfNone %q", userID)
	return replaced
}

// ReplaceIfNone stores a user's first codes, keeps codes while one is
// unused, replaces them once all are used, and refuses what Replace
// refuses.
func testReplaceIfNone(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner, other := newUserID(t), newUserID(t)
	first := newDigests(t, 3)
	assert.True(t, replaceIfNone(t, s, owner, first, base), "a user without codes gets them")
	assert.Equal(t, 3, remaining(t, s, owner))

	second := newDigests(t, 3)
	assert.False(t, replaceIfNone(t, s, owner, second, base.Add(time.Second)), "unused codes stay")
	assertUnusable(t, s, owner, second, "the refused set")
	assertUsable(t, s, owner, first[:2], "the first set")
	assert.False(t, replaceIfNone(t, s, owner, second, base.Add(time.Second)), "one unused code is enough to keep the set")

	assertUsable(t, s, owner, first[2:])
	assert.True(t, replaceIfNone(t, s, owner, second, base.Add(2*time.Second)), "all used: a new set")
	assert.Equal(t, 3, remaining(t, s, owner))
	assertUnusable(t, s, owner, first, "the used set is gone")

	assert.True(t, replaceIfNone(t, s, other, first, base), "another user's codes are their own")
	assert.Equal(t, 3, remaining(t, s, owner))

	repeated := [][32]byte{first[0], first[0]}
	_, err := s.ReplaceIfNone(bg, newUserID(t), repeated, base)
	assert.Error(t, err, "repeated digests")
	_, err = s.ReplaceIfNone(bg, "", first, base)
	assert.ErrorIs(t, err, recovery.ErrInvalidUserID)
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	nobody := newUserID(t)
	_, err = s.ReplaceIfNone(cancelled, nobody, first, base)
	assert.Error(t, err, "a context that is done")
	assert.Zero(t, remaining(t, s, nobody), "nothing written")
}

// Of many ReplaceIfNones racing for a user without unused codes, on two
// handles, exactly one replaces, and its codes are the user's.
func testRacingReplaceIfNones(t *testing.T, fresh Fresh) {
	open := fresh(t)
	handles := []recovery.Store{open(t), open(t)}
	for round := range 3 {
		owner := newUserID(t)
		if round == 2 {
			// A user whose codes are all used counts as having none.
			used := replace(t, handles[0], owner, newDigests(t, 2), base)
			assertUsable(t, handles[1], owner, used)
		}
		sets := make([][][32]byte, racers)
		for i := range sets {
			sets[i] = newDigests(t, 4)
		}
		replaced := make([]bool, racers)
		errs := make([]error, racers)
		race(t, handles, func(i int, s recovery.Store) {
			replaced[i], errs[i] = s.ReplaceIfNone(bg, owner, sets[i], base.Add(time.Duration(i)*time.Microsecond))
		})
		winner := -1
		for i := range racers {
			require.NoError(t, errs[i], "round %d, racer %d", round, i)
			if replaced[i] {
				assert.Equal(t, -1, winner, "round %d: a second racer replaced", round)
				winner = i
			}
		}
		require.NotEqual(t, -1, winner, "round %d: no racer replaced", round)
		assert.Equal(t, 4, remaining(t, open(t), owner), "round %d", round)
		for i := range racers {
			if i != winner {
				assertUnusable(t, handles[1], owner, sets[i][:1], "round %d: a losing racer's codes", round)
			}
		}
		assertUsable(t, handles[1], owner, sets[winner], "round %d: the winner's codes", round)
	}
}
