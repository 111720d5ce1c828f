package storetest

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

// racers is how many goroutines race in each concurrency case, half on
// each of two handles.
const racers = 16

// race runs fn(i) for i in [0, racers) at once, on handles that alternate
// between two, and waits for them all.
func race(t *testing.T, open Open, fn func(i int, s apikey.Store)) {
	t.Helper()
	racetest.Run(racers, []apikey.Store{open(t), open(t)}, fn)
}

// Of many Inserts with one id, exactly one succeeds; the others get
// ErrKeyExists and write nothing.
func testConcurrentInsertOneID(t *testing.T, fresh Fresh) {
	testConcurrentInsert(t, fresh, func(r *apikey.Record, shared apikey.Record) { r.ID = shared.ID })
}

// Of many Inserts with one prefix, exactly one succeeds; the others get
// ErrKeyExists and write nothing.
func testConcurrentInsertOnePrefix(t *testing.T, fresh Fresh) {
	testConcurrentInsert(t, fresh, func(r *apikey.Record, shared apikey.Record) { r.Prefix = shared.Prefix })
}

func testConcurrentInsert(t *testing.T, fresh Fresh, share func(r *apikey.Record, shared apikey.Record)) {
	open := fresh(t)
	shared := newRecord(t, "x", base)
	recs := make([]apikey.Record, racers)
	for i := range recs {
		recs[i] = newRecord(t, []string{"alice", "bob"}[i%2], base)
		share(&recs[i], shared)
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s apikey.Store) { errs[i] = s.Insert(bg, recs[i]) })

	s := open(t)
	var winners []apikey.Record
	for i, err := range errs {
		if err == nil {
			winners = append(winners, recs[i])
			assertStored(t, s, recs[i], "the winner, %d, is stored", i)
			continue
		}
		assert.ErrorIs(t, err, apikey.ErrKeyExists, "insert %d", i)
	}
	require.Len(t, winners, 1, "exactly one Insert succeeds")
	winner := winners[0]
	assert.Equal(t, byID(winner), listed(t, s, winner.OwnerID), "no loser is listed")
	loser := "alice"
	if winner.OwnerID == "alice" {
		loser = "bob"
	}
	assert.Empty(t, listed(t, s, loser), "no loser is listed")
}

// Racing revocations of one key all find it; the first time written stays.
func testConcurrentRevoke(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newRecord(t, "alice", base))
	found := make([]bool, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s apikey.Store) {
		found[i], errs[i] = s.Revoke(bg, rec.ID, base.Add(time.Duration(i+1)*time.Minute))
	})
	for i := range racers {
		require.NoError(t, errs[i], "revoke %d", i)
		assert.True(t, found[i], "revoke %d", i)
	}
	got, ok := get(t, s, rec.ID)
	require.True(t, ok)
	first := got.RevokedAt
	assert.True(t, !first.Before(base.Add(time.Minute)) && !first.After(base.Add(racers*time.Minute)),
		"RevokedAt %v is one of the racers' times", first)
	assert.Zero(t, first.Sub(base)%time.Minute, "RevokedAt %v is one of the racers' times", first)

	found1, err := s.Revoke(bg, rec.ID, base.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, found1)
	rec.RevokedAt = first
	assertStored(t, s, rec, "the winner's time stays")
}

// Racing RevokeOwner calls, and single revocations among them, revoke
// each key once: the counts add up to the keys revoked by owner.
func testConcurrentRevokeOwner(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	const keys = 24
	recs := make([]apikey.Record, keys)
	for i := range recs {
		recs[i] = insert(t, s, newRecord(t, "alice", base))
	}
	bob := insert(t, s, newRecord(t, "bob", base))
	var counted atomic.Int64
	var revokedAlone atomic.Int64
	errs := make([]error, racers)
	race(t, open, func(i int, s apikey.Store) {
		at := base.Add(time.Duration(i+1) * time.Minute)
		if i%4 == 3 {
			// A single revocation racing the owner's: it counts for
			// RevokeOwner only if it lost.
			found, err := s.Revoke(bg, recs[i].ID, at)
			errs[i] = err
			if found {
				revokedAlone.Add(1)
			}
			return
		}
		n, err := s.RevokeOwner(bg, "alice", at)
		errs[i] = err
		counted.Add(n)
	})
	for i, err := range errs {
		require.NoError(t, err, "racer %d", i)
	}
	assert.EqualValues(t, racers/4, revokedAlone.Load(), "every single revocation finds its key")

	// Every key is revoked, once: the revocations by owner counted are
	// the keys whose time is a RevokeOwner racer's.
	var byOwner int64
	for id, got := range listed(t, s, "alice") {
		require.False(t, got.RevokedAt.IsZero(), "key %s is revoked", id)
		racer := int(got.RevokedAt.Sub(base)/time.Minute) - 1
		if racer%4 != 3 {
			byOwner++
		}
	}
	assert.Equal(t, byOwner, counted.Load(), "RevokeOwner counts exactly the keys it revoked")
	assert.GreaterOrEqual(t, counted.Load(), int64(keys-racers/4))
	assertStored(t, s, bob, "another owner's key is untouched")
}

// Of racing uses recording one moment, exactly one writes; of uses at
// different moments, LastUsedAt ends at the latest that wrote and never
// moves back.
func testConcurrentRecordUse(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newRecord(t, "alice", base))

	at := base.Add(time.Minute)
	var wins atomic.Int64
	errs := make([]error, racers)
	race(t, open, func(i int, s apikey.Store) {
		recorded, err := s.RecordUse(bg, rec.ID, at, at.Add(-time.Minute))
		errs[i] = err
		if recorded {
			wins.Add(1)
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "use %d", i)
	}
	assert.Equal(t, int64(1), wins.Load(), "exactly one of the uses of one moment writes")
	want := rec
	want.LastUsedAt = at
	assertStored(t, s, want)

	// Uses a second apart, racing, from an hour on: within one minute of
	// each other, so one writes.
	wins.Store(0)
	race(t, open, func(i int, s apikey.Store) {
		at := base.Add(time.Hour + time.Duration(i)*time.Second)
		recorded, err := s.RecordUse(bg, rec.ID, at, at.Add(-time.Minute))
		errs[i] = err
		if recorded {
			wins.Add(1)
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "use %d", i)
	}
	assert.Equal(t, int64(1), wins.Load(), "exactly one of the uses within a minute writes")

	// Uses minutes apart, racing: LastUsedAt ends at the latest winner's,
	// and every winner wrote over an earlier time.
	winners := make([]bool, racers)
	race(t, open, func(i int, s apikey.Store) {
		at := base.Add(2*time.Hour + time.Duration(i)*time.Minute)
		winners[i], errs[i] = s.RecordUse(bg, rec.ID, at, at.Add(-time.Minute))
	})
	latest := -1
	for i := range racers {
		require.NoError(t, errs[i], "use %d", i)
		if winners[i] {
			latest = i
		}
	}
	require.GreaterOrEqual(t, latest, 0, "some use writes")
	got, _ := get(t, s, rec.ID)
	assert.True(t, got.LastUsedAt.Equal(base.Add(2*time.Hour+time.Duration(latest)*time.Minute)),
		"LastUsedAt %v is the latest winner's, use %d", got.LastUsedAt, latest)
}
