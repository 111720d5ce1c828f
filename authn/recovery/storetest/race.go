package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

// racers is how many goroutines race in each concurrency case, half on
// each of two handles.
const racers = 16

// race runs fn(i) for i in [0, racers) at once, on handles that alternate
// between two, and waits for them all.
func race(t *testing.T, handles []recovery.Store, fn func(i int, s recovery.Store)) {
	t.Helper()
	racetest.Run(racers, handles, fn)
}

// Of many Consumes of one code, on two handles, exactly one consumes it.
func testRacingConsumesOneCode(t *testing.T, fresh Fresh) {
	open := fresh(t)
	handles := []recovery.Store{open(t), open(t)}
	owner := newUserID(t)
	codes := replace(t, handles[0], owner, newDigests(t, 5), base)
	for round := range 3 {
		consumed := make([]bool, racers)
		errs := make([]error, racers)
		race(t, handles, func(i int, s recovery.Store) {
			consumed[i], errs[i] = s.Consume(bg, owner, codes[round], base.Add(time.Duration(i)*time.Microsecond))
		})
		wins := 0
		for i := range racers {
			require.NoError(t, errs[i], "round %d, consume %d", round, i)
			if consumed[i] {
				wins++
			}
		}
		assert.Equal(t, 1, wins, "round %d: exactly one Consume wins", round)
		assert.Equal(t, len(codes)-round-1, remaining(t, open(t), owner), "round %d", round)
	}
	assertUsable(t, handles[1], owner, codes[3:])
}

// Consumes of many codes of one user at once, two for each code: each
// code is consumed by exactly one of its two, and the same digests of
// another user are untouched.
func testRacingConsumesManyCodes(t *testing.T, fresh Fresh) {
	open := fresh(t)
	handles := []recovery.Store{open(t), open(t)}
	owner, other := newUserID(t), newUserID(t)
	codes := replace(t, handles[0], owner, newDigests(t, racers/2), base)
	replace(t, handles[0], other, codes, base)
	consumed := make([]bool, racers)
	errs := make([]error, racers)
	// Goroutines i and i+racers/2 run on different handles only if
	// racers/2 is odd; pair i with racers-1-i, which always does.
	target := func(i int) int { return min(i, racers-1-i) }
	race(t, handles, func(i int, s recovery.Store) {
		consumed[i], errs[i] = s.Consume(bg, owner, codes[target(i)], base.Add(time.Duration(i)*time.Microsecond))
	})
	wins := make([]int, len(codes))
	for i := range racers {
		require.NoError(t, errs[i], "consume %d", i)
		if consumed[i] {
			wins[target(i)]++
		}
	}
	for j, n := range wins {
		assert.Equal(t, 1, n, "code %d: exactly one Consume wins", j)
	}
	s := open(t)
	assert.Zero(t, remaining(t, s, owner))
	assert.Equal(t, len(codes), remaining(t, s, other), "another user's codes of the same digests are untouched")
}

// whichSet consumes every code of sets and returns the index of the one
// set whose codes at indexes from on all worked, checking that no code of
// any other set did.
func whichSet(t *testing.T, s recovery.Store, userID string, sets [][][32]byte, from int, msgAndArgs ...any) int {
	t.Helper()
	winner := -1
	for k, set := range sets {
		usable := 0
		for _, d := range set[from:] {
			if consume(t, s, userID, d, base) {
				usable++
			}
		}
		switch usable {
		case 0:
		case len(set) - from:
			assert.Equal(t, -1, winner, "%v: sets %d and %d both left", fmt.Sprint(msgAndArgs...), winner, k)
			winner = k
		default:
			assert.Fail(t, "a set left in part", "%v: %d of set %d's %d codes left", fmt.Sprint(msgAndArgs...), usable, k, len(set)-from)
		}
	}
	require.NotEqual(t, -1, winner, "%v: one set left, whole", fmt.Sprint(msgAndArgs...))
	return winner
}

// Of many Replaces of one user's codes, each with its own set, on two
// handles, exactly one set is left, whole, and nothing of the others or
// of the codes before.
func testRacingReplaces(t *testing.T, fresh Fresh) {
	open := fresh(t)
	handles := []recovery.Store{open(t), open(t)}
	owner := newUserID(t)
	for round := range 3 {
		old := replace(t, handles[0], owner, newDigests(t, 5), base)
		sets := make([][][32]byte, racers)
		for i := range sets {
			sets[i] = newDigests(t, recovery.MinCount+i%3)
		}
		errs := make([]error, racers)
		race(t, handles, func(i int, s recovery.Store) {
			errs[i] = s.Replace(bg, owner, sets[i], base.Add(time.Duration(i)*time.Microsecond))
		})
		for i, err := range errs {
			require.NoError(t, err, "round %d, replace %d", round, i)
		}
		s := open(t)
		n := remaining(t, s, owner)
		w := whichSet(t, s, owner, sets, 0, "round ", round)
		assert.Equal(t, len(sets[w]), n, "round %d: the count of the set left", round)
		assertUnusable(t, s, owner, old, "round %d: the codes before", round)
		deleted, err := s.DeleteUser(bg, owner)
		require.NoError(t, err)
		assert.Equal(t, len(sets[w]), deleted, "round %d: nothing of another set", round)
	}
}

// Replaces and Consumes of one user racing, round after round: a code is
// consumed at most once, whatever replaces it; the set left is one
// Replace's, whole but for what was consumed of it; and the codes before,
// and those of the other sets, are gone.
func testRacingReplacesAndConsumes(t *testing.T, fresh Fresh) {
	open := fresh(t)
	handles := []recovery.Store{open(t), open(t)}
	owner := newUserID(t)
	const replacers = 4
	for round := range 4 {
		old := replace(t, handles[0], owner, newDigests(t, 5), base)
		sets := make([][][32]byte, replacers)
		for k := range sets {
			sets[k] = newDigests(t, 5)
		}
		// Twelve consumers, two for each of six codes, one on each handle:
		// the first two of the old set and the first of each new one.
		// Goroutines 0, 5, 10 and 15 replace, on both handles.
		targets := [][32]byte{old[0], old[1], sets[0][0], sets[1][0], sets[2][0], sets[3][0]}
		role := make([]int, racers) // the target consumed, or -1-k for set k's Replace
		for k := range replacers {
			role[5*k] = -1 - k
		}
		next := [2]int{} // the next target of a consumer on each handle
		for i := range racers {
			if i%5 != 0 {
				role[i] = next[i%2]
				next[i%2]++
			}
		}
		consumed := make([]bool, racers)
		errs := make([]error, racers)
		race(t, handles, func(i int, s recovery.Store) {
			at := base.Add(time.Duration(i) * time.Microsecond)
			if role[i] < 0 {
				errs[i] = s.Replace(bg, owner, sets[-1-role[i]], at)
				return
			}
			consumed[i], errs[i] = s.Consume(bg, owner, targets[role[i]], at)
		})
		wins := make([]int, len(targets))
		for i := range racers {
			require.NoError(t, errs[i], "round %d, call %d", round, i)
			if role[i] >= 0 && consumed[i] {
				wins[role[i]]++
			}
		}
		for j, n := range wins {
			assert.LessOrEqual(t, n, 1, "round %d: code %d consumed at most once", round, j)
		}
		s := open(t)
		n := remaining(t, s, owner)
		w := whichSet(t, s, owner, sets, 1, "round ", round)
		first := 2 + w // the first code of the set left, as a target
		assert.Equal(t, len(sets[w])-wins[first], n, "round %d: the set left, less what was consumed of it", round)
		assert.Equal(t, wins[first] == 0, consume(t, s, owner, sets[w][0], base),
			"round %d: the set's first code works unless it was consumed", round)
		assertUnusable(t, s, owner, old, "round %d: the codes before", round)
	}
}

// DeleteUsers racing Replaces of one user: each DeleteUser removes a whole
// set or nothing, and counts it, and what is left is nothing or one set,
// whole.
func testRacingDeleteUserAndReplaces(t *testing.T, fresh Fresh) {
	open := fresh(t)
	handles := []recovery.Store{open(t), open(t)}
	owner := newUserID(t)
	for round := range 3 {
		old := replace(t, handles[0], owner, newDigests(t, 4), base)
		sets := make([][][32]byte, racers)
		sizes := map[int]bool{0: true, len(old): true}
		for i := 0; i < racers; i += 2 {
			sets[i] = newDigests(t, recovery.MinCount+i/2)
			sizes[len(sets[i])] = true
		}
		counts := make([]int, racers)
		errs := make([]error, racers)
		race(t, handles, func(i int, s recovery.Store) {
			if i%2 == 0 {
				errs[i] = s.Replace(bg, owner, sets[i], base.Add(time.Duration(i)*time.Microsecond))
				return
			}
			counts[i], errs[i] = s.DeleteUser(bg, owner)
		})
		for i := range racers {
			require.NoError(t, errs[i], "round %d, call %d", round, i)
			assert.True(t, sizes[counts[i]], "round %d: DeleteUser %d counted %d codes, no set's number", round, i, counts[i])
		}
		s := open(t)
		n := remaining(t, s, owner)
		assertUnusable(t, s, owner, old, "round %d: the codes before", round)
		if n == 0 {
			for i := 0; i < racers; i += 2 {
				assertUnusable(t, s, owner, sets[i], "round %d: set %d", round, i)
			}
			continue
		}
		var replaced [][][32]byte
		for i := 0; i < racers; i += 2 {
			replaced = append(replaced, sets[i])
		}
		w := whichSet(t, s, owner, replaced, 0, "round ", round)
		assert.Equal(t, len(replaced[w]), n, "round %d: the set left, whole", round)
	}
}
