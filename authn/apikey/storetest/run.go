package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// Open returns a handle on one test's data. Every call returns a new
// handle, as another process opening the same backend would have, which
// sees what the others wrote; a store that lives in one process's memory
// returns itself. It closes what it opens when t ends.
type Open func(t *testing.T) apikey.Store

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
		{"List", testList},
		{"Revoke", testRevoke},
		{"RevokeOwner", testRevokeOwner},
		{"RecordUse", testRecordUse},
		{"ContextDone", testContextDone},
		{"HostileStrings", testHostileStrings},
		{"KeepsCopies", testKeepsCopies},
		{"ConcurrentInsertOneID", testConcurrentInsertOneID},
		{"ConcurrentInsertOnePrefix", testConcurrentInsertOnePrefix},
		{"ConcurrentRevoke", testConcurrentRevoke},
		{"ConcurrentRevokeOwner", testConcurrentRevokeOwner},
		{"ConcurrentRecordUse", testConcurrentRecordUse},
		{"RandomSequence", testRandomSequence},
		{"Keys", testKeys},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, fresh)
		})
	}
}

// base is when every case's clock starts: microseconds included, which
// every store must keep.
var base = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

var bg = context.Background()

// prefixAlphabet is the alphabet of the prefixes Keys draws.
const prefixAlphabet = "0123456789abcdefghijklmnopqrstuv"

// newRecord returns a new key of owner, created at, with a random id,
// prefix and hash as Keys draws them.
func newRecord(t *testing.T, owner string, at time.Time) apikey.Record {
	t.Helper()
	return apikey.Record{
		ID:        "key_" + randomHex(t, 8),
		Prefix:    randomPrefix(t),
		Hash:      randomHex(t, 32),
		OwnerID:   owner,
		Name:      "key of " + owner,
		CreatedAt: at,
	}
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

func randomPrefix(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	_, err := rand.Read(b)
	require.NoError(t, err)
	for i := range b {
		b[i] = prefixAlphabet[int(b[i])%len(prefixAlphabet)]
	}
	return string(b)
}

// insert stores rec and fails the test on error.
func insert(t *testing.T, s apikey.Store, rec apikey.Record) apikey.Record {
	t.Helper()
	require.NoError(t, s.Insert(bg, rec), "insert %s", rec.ID)
	return rec
}

// get returns the key with id, failing the test on error.
func get(t *testing.T, s apikey.Store, id string) (apikey.Record, bool) {
	t.Helper()
	rec, found, err := s.Get(bg, id)
	require.NoError(t, err, "get %q", id)
	return rec, found
}

// assertStored checks that want is stored, as it is, found both by its id
// and by its prefix.
func assertStored(t *testing.T, s apikey.Store, want apikey.Record, msgAndArgs ...any) {
	t.Helper()
	got, found := get(t, s, want.ID)
	if assert.True(t, found, msgAndArgs...) {
		assert.Equal(t, normal(want), normal(got), msgAndArgs...)
	}
	got, found, err := s.Lookup(bg, want.Prefix)
	require.NoError(t, err)
	if assert.True(t, found, msgAndArgs...) {
		assert.Equal(t, normal(want), normal(got), msgAndArgs...)
	}
}

// assertAbsent checks that no key has id, nor prefix.
func assertAbsent(t *testing.T, s apikey.Store, id, prefix string, msgAndArgs ...any) {
	t.Helper()
	_, found := get(t, s, id)
	assert.False(t, found, msgAndArgs...)
	_, found, err := s.Lookup(bg, prefix)
	require.NoError(t, err)
	assert.False(t, found, msgAndArgs...)
}

// normal is rec with its times in UTC, as compared.
func normal(rec apikey.Record) apikey.Record {
	rec.CreatedAt = rec.CreatedAt.UTC()
	rec.ExpiresAt = rec.ExpiresAt.UTC()
	rec.RevokedAt = rec.RevokedAt.UTC()
	rec.LastUsedAt = rec.LastUsedAt.UTC()
	return rec
}

// listed returns owner's keys by id.
func listed(t *testing.T, s apikey.Store, owner string) map[string]apikey.Record {
	t.Helper()
	recs, err := s.List(bg, owner)
	require.NoError(t, err, "list %q", owner)
	byID := make(map[string]apikey.Record, len(recs))
	for _, rec := range recs {
		_, twice := byID[rec.ID]
		require.False(t, twice, "List returned %s twice", rec.ID)
		byID[rec.ID] = normal(rec)
	}
	return byID
}

// byID indexes recs by id, as listed does.
func byID(recs ...apikey.Record) map[string]apikey.Record {
	m := make(map[string]apikey.Record, len(recs))
	for _, rec := range recs {
		m[rec.ID] = normal(rec)
	}
	return m
}
