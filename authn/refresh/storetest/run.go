package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// Open returns a handle on one test's data. Every call returns a new
// handle, as another process opening the same backend would have, which
// sees what the others wrote; a store that lives in one process's memory
// returns itself. It closes what it opens when t ends.
type Open func(t *testing.T) refresh.Store

// Fresh returns the Open of new, empty data that only the calling case
// uses (a new database, a new memstore), which it removes when t ends.
type Fresh func(t *testing.T) Open

// Run runs the conformance suite, each case as a parallel subtest. fresh
// is called once per case, and per row of a table-driven case.
func Run(t *testing.T, fresh Fresh) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, fresh Fresh)
	}{
		{"InsertAndFind", testInsertAndFind},
		{"InsertRefusesTaken", testInsertRefusesTaken},
		{"NotFound", testNotFound},
		{"Rotate", testRotate},
		{"RotateRefuses", testRotateRefuses},
		{"RevokeFamily", testRevokeFamily},
		{"RevokeSubject", testRevokeSubject},
		{"LiveTokens", testLiveTokens},
		{"Cleanup", testCleanup},
		{"ContextDone", testContextDone},
		{"HostileStrings", testHostileStrings},
		{"KeepsCopies", testKeepsCopies},
		{"ConcurrentRotation", testConcurrentRotation},
		{"ConcurrentRotationOfDifferentFamilies", testConcurrentRotationOfDifferentFamilies},
		{"RevocationReachesRacingRotations", testRevocationReachesRacingRotations},
		{"ConcurrentRevokeSubject", testConcurrentRevokeSubject},
		{"RandomSequence", testRandomSequence},
		{"Tokens", testTokens},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, fresh)
		})
	}
}

// The suite's rules of time: a token lives an hour unless rotated, and a
// family a day.
const (
	ttl        = time.Hour
	familyLife = 24 * time.Hour
)

// base is when every case's clock starts: microseconds included, which
// every store must keep.
var base = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

var bg = context.Background()

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// newFamily returns the first token of a new family of subject, issued at
// at, as Tokens.Issue draws it.
func newFamily(t *testing.T, subject string, at time.Time) refresh.Record {
	t.Helper()
	return refresh.Record{
		ID:              randomHex(t, 16),
		FamilyID:        randomHex(t, 16),
		Subject:         subject,
		TokenHash:       randomHex(t, 32),
		CreatedAt:       at,
		ExpiresAt:       at.Add(ttl),
		FamilyExpiresAt: at.Add(familyLife),
		LoginAt:         at,
		Methods:         "pwd",
	}
}

// newNext returns the parts of a successor drawn at at that Tokens.Rotate
// passes to Store.Rotate.
func newNext(t *testing.T, at time.Time) refresh.Record {
	t.Helper()
	return refresh.Record{ID: randomHex(t, 16), TokenHash: randomHex(t, 32), CreatedAt: at, ExpiresAt: at.Add(ttl)}
}

// insert stores rec and fails the test on error.
func insert(t *testing.T, s refresh.Store, rec refresh.Record) refresh.Record {
	t.Helper()
	require.NoError(t, s.Insert(bg, rec), "insert %s", rec.ID)
	return rec
}

// rotate rotates the token with hash at at, with a new successor, and
// fails the test on error.
func rotate(t *testing.T, s refresh.Store, hash string, at time.Time) refresh.Rotation {
	t.Helper()
	rot, err := s.Rotate(bg, hash, newNext(t, at), at)
	require.NoError(t, err, "rotate")
	return rot
}

// mustRotate rotates rec at at, requires that it rotates, and returns the
// successor.
func mustRotate(t *testing.T, s refresh.Store, rec refresh.Record, at time.Time) refresh.Record {
	t.Helper()
	rot := rotate(t, s, rec.TokenHash, at)
	require.Equal(t, refresh.Rotated, rot.Outcome, "rotate %s", rec.ID)
	return rot.Next
}

// find returns the token with hash, failing the test on error.
func find(t *testing.T, s refresh.Store, hash string) (refresh.Record, bool) {
	t.Helper()
	rec, found, err := s.Find(bg, hash)
	require.NoError(t, err, "find %q", hash)
	return rec, found
}

// assertStored checks that want is stored as it is.
func assertStored(t *testing.T, s refresh.Store, want refresh.Record, msgAndArgs ...any) {
	t.Helper()
	got, found := find(t, s, want.TokenHash)
	if assert.True(t, found, msgAndArgs...) {
		assert.Equal(t, normal(want), normal(got), msgAndArgs...)
	}
}

// assertAbsent checks that no token has hash.
func assertAbsent(t *testing.T, s refresh.Store, hash string, msgAndArgs ...any) {
	t.Helper()
	_, found := find(t, s, hash)
	assert.False(t, found, msgAndArgs...)
}

// revoked is rec revoked at at, unless it was before.
func revoked(rec refresh.Record, at time.Time) refresh.Record {
	if rec.RevokedAt.IsZero() {
		rec.RevokedAt = at
	}
	return rec
}

// used is rec used at at.
func used(rec refresh.Record, at time.Time) refresh.Record {
	rec.UsedAt = at
	return rec
}

// normal is rec with its times in UTC, as compared.
func normal(rec refresh.Record) refresh.Record {
	rec.CreatedAt = rec.CreatedAt.UTC()
	rec.ExpiresAt = rec.ExpiresAt.UTC()
	rec.FamilyExpiresAt = rec.FamilyExpiresAt.UTC()
	rec.UsedAt = rec.UsedAt.UTC()
	rec.RevokedAt = rec.RevokedAt.UTC()
	rec.LoginAt = rec.LoginAt.UTC()
	return rec
}

// normalRotation is rot with its records' times in UTC.
func normalRotation(rot refresh.Rotation) refresh.Rotation {
	rot.Presented, rot.Next = normal(rot.Presented), normal(rot.Next)
	return rot
}

// live returns subject's live tokens at now, by hash.
func live(t *testing.T, s refresh.Store, subject string, now time.Time) map[string]refresh.Record {
	t.Helper()
	recs, err := s.LiveTokens(bg, subject, now)
	require.NoError(t, err, "live tokens of %q", subject)
	byHash := make(map[string]refresh.Record, len(recs))
	for _, rec := range recs {
		_, twice := byHash[rec.TokenHash]
		require.False(t, twice, "LiveTokens returned %s twice", rec.ID)
		byHash[rec.TokenHash] = normal(rec)
	}
	return byHash
}

// byHash indexes recs by hash, as live does.
func byHash(recs ...refresh.Record) map[string]refresh.Record {
	m := make(map[string]refresh.Record, len(recs))
	for _, rec := range recs {
		m[rec.TokenHash] = normal(rec)
	}
	return m
}
