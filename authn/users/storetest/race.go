package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

// racers is how many goroutines race in each concurrency case, half on
// each of two handles.
const racers = 16

// race runs fn(i) for i in [0, racers) at once, on handles that alternate
// between two, and waits for them all.
func race(t *testing.T, open Open, fn func(i int, s users.Store)) {
	t.Helper()
	racetest.Run(racers, []users.Store{open(t), open(t)}, fn)
}

// Of many Creates with one email and different ids, on two handles,
// exactly one succeeds; every other is ErrEmailTaken and writes nothing.
func testRacingCreatesOneEmail(t *testing.T, fresh Fresh) {
	open := fresh(t)
	email := "race-" + randomHex(t, 4) + "@example.com"
	recs := make([]users.Record, racers)
	for i := range recs {
		recs[i] = newRecord(t, base)
		recs[i].Email = email
		recs[i].Name = fmt.Sprintf("Racer %d", i)
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s users.Store) { errs[i] = s.Create(bg, recs[i]) })

	s := open(t)
	winners := 0
	for i, err := range errs {
		if err == nil {
			winners++
			assertStored(t, s, recs[i], "the winner, %d, is stored", i)
			continue
		}
		assert.ErrorIs(t, err, users.ErrEmailTaken, "create %d", i)
		_, found := get(t, s, recs[i].ID)
		assert.False(t, found, "a loser, %d, wrote nothing", i)
	}
	assert.Equal(t, 1, winners, "exactly one Create with the email succeeds")
	assert.Equal(t, int64(1), count(t, s))
}

// Many Creates of different emails at once all succeed: the uniqueness of
// emails refuses no account that does not share one.
func testRacingCreatesManyEmails(t *testing.T, fresh Fresh) {
	open := fresh(t)
	recs := make([]users.Record, racers)
	for i := range recs {
		recs[i] = newRecord(t, base)
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s users.Store) { errs[i] = s.Create(bg, recs[i]) })
	for i, err := range errs {
		require.NoError(t, err, "create %d", i)
	}
	assert.Equal(t, byID(recs...), listed(t, open(t)))
}

// Of many rehashes from one hash, exactly one replaces it, and its hash is
// the one stored.
func testRacingReplace(t *testing.T, fresh Fresh) {
	open := fresh(t)
	rec := create(t, open(t), newRecord(t, base))
	hashes := make([]string, racers)
	for i := range hashes {
		hashes[i] = newHash(t)
	}
	replaced := make([]bool, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s users.Store) {
		replaced[i], errs[i] = s.ReplacePasswordHash(bg, rec.ID, rec.PasswordHash, hashes[i])
	})
	winner := -1
	for i := range racers {
		require.NoError(t, errs[i], "rehash %d", i)
		if replaced[i] {
			assert.Equal(t, -1, winner, "rehashes %d and %d both replaced the hash", winner, i)
			winner = i
		}
	}
	require.NotEqual(t, -1, winner, "one rehash replaced the hash")
	rec.PasswordHash = hashes[winner]
	assertStored(t, open(t), rec)
}

// A rehash at login racing a password change never undoes the change:
// whichever comes first, the new password's hash is the one left.
func testRehashRacingPasswordChange(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	for round := range 8 {
		rec := create(t, s, newRecord(t, base))
		changed, when := newHash(t), base.Add(time.Duration(round+1)*time.Minute)
		rehashes := make([]string, racers)
		for i := range rehashes {
			rehashes[i] = newHash(t)
		}
		errs := make([]error, racers)
		race(t, open, func(i int, s users.Store) {
			if i == 0 {
				_, errs[i] = s.SetPasswordHash(bg, rec.ID, changed, when)
				return
			}
			_, errs[i] = s.ReplacePasswordHash(bg, rec.ID, rec.PasswordHash, rehashes[i])
		})
		for i, err := range errs {
			require.NoError(t, err, "round %d, call %d", round, i)
		}
		rec.PasswordHash, rec.UpdatedAt = changed, when
		assertStored(t, s, rec, "round %d: the password change stands", round)
	}
}

// Racing locks and verifications, each at its own time, all find the
// account; one lock's time and one verification's are kept, and UpdatedAt
// is the time of whichever of the two was applied last.
func testRacingLocks(t *testing.T, fresh Fresh) {
	open := fresh(t)
	rec := create(t, open(t), newRecord(t, base))
	times := make([]time.Time, racers)
	for i := range times {
		times[i] = base.Add(time.Duration(i+1) * time.Minute)
	}
	found := make([]bool, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s users.Store) {
		if i%4 < 2 {
			found[i], errs[i] = s.SetLocked(bg, rec.ID, true, times[i])
			return
		}
		found[i], errs[i] = s.MarkEmailVerified(bg, rec.ID, times[i])
	})
	for i := range racers {
		require.NoError(t, errs[i], "call %d", i)
		assert.True(t, found[i], "call %d", i)
	}
	got, ok := get(t, open(t), rec.ID)
	require.True(t, ok)
	got = normal(got)
	require.NotNil(t, got.LockedAt)
	require.NotNil(t, got.EmailVerifiedAt)
	var lockTimes, verifyTimes []time.Time
	for i, when := range times {
		if i%4 < 2 {
			lockTimes = append(lockTimes, when)
		} else {
			verifyTimes = append(verifyTimes, when)
		}
	}
	assert.Contains(t, lockTimes, *got.LockedAt, "a lock's own time")
	assert.Contains(t, verifyTimes, *got.EmailVerifiedAt, "a verification's own time")
	assert.True(t, got.UpdatedAt.Equal(*got.LockedAt) || got.UpdatedAt.Equal(*got.EmailVerifiedAt),
		"UpdatedAt %v is the time of the lock or the verification that changed the account", got.UpdatedAt)
}

// Of many deletes of one account, exactly one finds it; the others'
// accounts stay.
func testRacingDeletes(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := create(t, s, newRecord(t, base))
	other := create(t, s, newRecord(t, base))
	found := make([]bool, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s users.Store) { found[i], errs[i] = s.Delete(bg, rec.ID) })
	wins := 0
	for i := range racers {
		require.NoError(t, errs[i], "delete %d", i)
		if found[i] {
			wins++
		}
	}
	assert.Equal(t, 1, wins, "exactly one delete finds the account")
	assert.Equal(t, byID(other), listed(t, s))
}
