package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

// Open returns a handle on one test's data. Every call returns a new
// handle, as another process opening the same backend would have, which
// sees what the others wrote; a store that lives in one process's memory
// returns itself. It closes what it opens when t ends.
type Open func(t *testing.T) session.Store

// Run runs the conformance suite, each case as a parallel subtest. fresh
// is called once per case, and per row of a table-driven case, and returns
// the Open of new, empty data that only that case uses (a new database, a
// new key prefix, a new memstore), which it removes when t ends.
func Run(t *testing.T, fresh func(t *testing.T) Open) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, fresh func(*testing.T) Open)
	}{
		{"CreateAndTouch", testCreateAndTouch},
		{"Methods", testMethods},
		{"TouchRecordsUse", testTouchRecordsUse},
		{"TouchRefusesExpired", testTouchRefusesExpired},
		{"CreateReplaces", testCreateReplaces},
		{"CreateRefusesTaken", testCreateRefusesTaken},
		{"Destroy", testDestroy},
		{"DestroyByID", testDestroyByID},
		{"DestroySubject", testDestroySubject},
		{"List", testList},
		{"Cleanup", testCleanup},
		{"SecondHandle", testSecondHandle},
		{"ContextDone", testContextDone},
		{"HostileStrings", testHostileStrings},
		{"KeepsCopies", testKeepsCopies},
		{"ConcurrentTouch", testConcurrentTouch},
		{"ConcurrentDestroyByID", testConcurrentDestroyByID},
		{"ConcurrentCreateOneID", testConcurrentCreateOneID},
		{"ConcurrentReplacement", testConcurrentReplacement},
		{"TouchRacingDestroy", testTouchRacingDestroy},
		{"RandomSequence", testRandomSequence},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, fresh)
		})
	}
}

// The suite's rules of time: a session lives 2 hours at most and dies
// after 30 minutes unused, and its use is recorded every 5 minutes at
// most.
const (
	lifetime = 2 * time.Hour
	idle     = 30 * time.Minute
	interval = 5 * time.Minute
)

// base is when every case's clock starts.
var base = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

var bg = context.Background()

// newRecord returns a new session of subject, created at, with a random
// id and token hash as the Manager draws them, begun with a password.
func newRecord(t *testing.T, subject string, at time.Time) session.Record {
	t.Helper()
	return session.Record{
		ID:         "ses_" + randomHex(t, 8),
		TokenHash:  randomHex(t, 32),
		Subject:    subject,
		CreatedAt:  at,
		LastSeenAt: at,
		ExpiresAt:  at.Add(lifetime),
		Methods:    "pwd",
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// create stores rec, replacing nothing, and fails the test on error.
func create(t *testing.T, s session.Store, rec session.Record) session.Record {
	t.Helper()
	require.NoError(t, s.Create(bg, rec, idle, ""), "create %s", rec.ID)
	return rec
}

// look is a use at now that records nothing.
func look(now time.Time) session.Use {
	return session.Use{Now: now, IdleTimeout: idle, TouchInterval: interval}
}

// use is a use at now that records now when due.
func use(now time.Time) session.Use {
	return session.Use{Now: now, IdleTimeout: idle, SeenAt: now, TouchInterval: interval}
}

// find returns the session of hash live at now, without recording a use.
func find(t *testing.T, s session.Store, hash string, now time.Time) (session.Record, bool) {
	t.Helper()
	rec, found, err := s.Touch(bg, hash, look(now))
	require.NoError(t, err)
	return rec, found
}

// assertFound checks that want is stored, as it is, and live at now.
func assertFound(t *testing.T, s session.Store, want session.Record, now time.Time, msgAndArgs ...any) {
	t.Helper()
	got, found := find(t, s, want.TokenHash, now)
	if assert.True(t, found, msgAndArgs...) {
		assert.Equal(t, normal(want), normal(got), msgAndArgs...)
	}
}

// assertGone checks that no live session has hash at now.
func assertGone(t *testing.T, s session.Store, hash string, now time.Time, msgAndArgs ...any) {
	t.Helper()
	_, found := find(t, s, hash, now)
	assert.False(t, found, msgAndArgs...)
}

// normal is rec with its times in UTC, as compared.
func normal(rec session.Record) session.Record {
	rec.CreatedAt = rec.CreatedAt.UTC()
	rec.LastSeenAt = rec.LastSeenAt.UTC()
	rec.ExpiresAt = rec.ExpiresAt.UTC()
	return rec
}

// listed returns subject's sessions live at now, by id.
func listed(t *testing.T, s session.Store, subject string, now time.Time) map[string]session.Record {
	t.Helper()
	recs, err := s.List(bg, subject, now, idle)
	require.NoError(t, err)
	byID := make(map[string]session.Record, len(recs))
	for _, rec := range recs {
		_, twice := byID[rec.ID]
		require.False(t, twice, "List returned %s twice", rec.ID)
		byID[rec.ID] = normal(rec)
	}
	return byID
}

// byID indexes recs by id, as listed does.
func byID(recs ...session.Record) map[string]session.Record {
	m := make(map[string]session.Record, len(recs))
	for _, rec := range recs {
		m[rec.ID] = normal(rec)
	}
	return m
}
