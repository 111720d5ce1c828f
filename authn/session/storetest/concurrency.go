package storetest

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/internal/racetest"
)

// racers is how many goroutines race in each concurrency case, half on
// each of two handles.
const racers = 16

// race runs fn(i) for i in [0, racers) at once, on handles that alternate
// between two, and waits for them all.
func race(t *testing.T, open Open, fn func(i int, s session.Store)) {
	t.Helper()
	racetest.Run(racers, []session.Store{open(t), open(t)}, fn)
}

// Concurrent uses, each due (with no interval between recorded uses),
// leave the latest of their times: LastSeenAt never moves back, and each
// Touch returns a time at least its own.
func testConcurrentTouch(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	rec := create(t, s, newRecord(t, "alice", base))
	got := make([]session.Record, racers)
	found := make([]bool, racers)
	errs := make([]error, racers)
	race(t, open, func(i int, s session.Store) {
		at := base.Add(time.Duration(10+i) * time.Minute)
		got[i], found[i], errs[i] = s.Touch(bg, rec.TokenHash, session.Use{Now: at, IdleTimeout: idle, SeenAt: at})
	})
	for i := range racers {
		require.NoError(t, errs[i], "use %d", i)
		require.True(t, found[i], "use %d", i)
		seen := base.Add(time.Duration(10+i) * time.Minute)
		assert.False(t, got[i].LastSeenAt.Before(seen), "use %d: LastSeenAt %v is before its own %v", i, got[i].LastSeenAt, seen)
	}
	want := rec
	want.LastSeenAt = base.Add(time.Duration(10+racers-1) * time.Minute)
	assertFound(t, s, want, want.LastSeenAt)
}

// Of many DestroyByID for one session, exactly one reports it.
func testConcurrentDestroyByID(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	rec := create(t, s, newRecord(t, "alice", base))
	other := create(t, s, newRecord(t, "alice", base))
	var wins atomic.Int64
	errs := make([]error, racers)
	race(t, open, func(i int, s session.Store) {
		found, err := s.DestroyByID(bg, "alice", rec.ID)
		errs[i] = err
		if found {
			wins.Add(1)
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "call %d", i)
	}
	assert.Equal(t, int64(1), wins.Load(), "exactly one DestroyByID ends the session")
	now := base.Add(time.Minute)
	assertGone(t, s, rec.TokenHash, now)
	assert.Equal(t, byID(other), listed(t, s, "alice", now))
}

// Of many Creates with one id, exactly one succeeds; the others get
// ErrSessionExists and write nothing.
func testConcurrentCreateOneID(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	id := newRecord(t, "x", base).ID
	recs := make([]session.Record, racers)
	for i := range recs {
		recs[i] = newRecord(t, []string{"alice", "bob"}[i%2], base)
		recs[i].ID = id
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s session.Store) { errs[i] = s.Create(bg, recs[i], idle, "") })

	s := open(t)
	now := base.Add(time.Minute)
	winners := 0
	for i, err := range errs {
		if err == nil {
			winners++
			assertFound(t, s, recs[i], now, "the winner, %d, is stored", i)
			assert.Equal(t, byID(recs[i]), listed(t, s, recs[i].Subject, now))
			continue
		}
		assert.ErrorIs(t, err, session.ErrSessionExists, "create %d", i)
		assertGone(t, s, recs[i].TokenHash, now, "a loser, %d, wrote nothing", i)
	}
	assert.Equal(t, 1, winners, "exactly one Create with the id succeeds")
}

// Many logins replacing one session all succeed, and all their sessions
// are stored; the replaced one is gone.
func testConcurrentReplacement(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	held := create(t, s, newRecord(t, "mallory", base))
	recs := make([]session.Record, racers)
	for i := range recs {
		recs[i] = newRecord(t, []string{"alice", "bob"}[i%2], base.Add(time.Minute))
	}
	errs := make([]error, racers)
	race(t, open, func(i int, s session.Store) { errs[i] = s.Create(bg, recs[i], idle, held.TokenHash) })

	now := base.Add(time.Minute)
	for i, err := range errs {
		require.NoError(t, err, "login %d", i)
		assertFound(t, s, recs[i], now, "login %d", i)
	}
	assertGone(t, s, held.TokenHash, now)
	assert.Empty(t, listed(t, s, "mallory", now))
	var alice, bob []session.Record
	for i, rec := range recs {
		if i%2 == 0 {
			alice = append(alice, rec)
		} else {
			bob = append(bob, rec)
		}
	}
	assert.Equal(t, byID(alice...), listed(t, s, "alice", now))
	assert.Equal(t, byID(bob...), listed(t, s, "bob", now))
}

// Uses racing a logout never bring the session back: every Touch that
// starts after Destroy has returned finds nothing, and nothing is left.
func testTouchRacingDestroy(t *testing.T, fresh func(*testing.T) Open) {
	for _, destroy := range []struct {
		name string
		do   func(s session.Store, rec session.Record) error
	}{
		{"Destroy", func(s session.Store, rec session.Record) error { return s.Destroy(bg, rec.TokenHash) }},
		{"DestroyByID", func(s session.Store, rec session.Record) error {
			found, err := s.DestroyByID(bg, rec.Subject, rec.ID)
			if err == nil && !found {
				err = errors.New("DestroyByID did not find the session")
			}
			return err
		}},
		{"DestroySubject", func(s session.Store, rec session.Record) error { return s.DestroySubject(bg, rec.Subject) }},
	} {
		t.Run(destroy.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			rec := create(t, s, newRecord(t, "alice", base))
			var destroyed atomic.Bool
			var destroyErr error
			const uses = 20
			race(t, open, func(i int, s session.Store) {
				if i == 0 {
					destroyErr = destroy.do(s, rec)
					destroyed.Store(true)
					return
				}
				for j := range uses {
					after := destroyed.Load()
					at := base.Add(time.Duration(1+(i*uses+j)%25) * time.Minute)
					_, found, err := s.Touch(bg, rec.TokenHash, use(at))
					if !assert.NoError(t, err) {
						return
					}
					if after {
						assert.False(t, found, "a use after the logout found the session")
					}
				}
			})
			require.NoError(t, destroyErr)
			now := base.Add(26 * time.Minute)
			assertGone(t, s, rec.TokenHash, now)
			assert.Empty(t, listed(t, s, "alice", now))
			found, err := s.DestroyByID(bg, "alice", rec.ID)
			require.NoError(t, err)
			assert.False(t, found)
		})
	}
}
