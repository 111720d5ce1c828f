package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// Open returns a new handle on one backend's data, as another process
// opening the same backend would have, which sees what the others wrote;
// a store that lives in one process's memory returns itself. It closes
// what it opens when t ends.
type Open func(t *testing.T) users.Store

// Fresh returns the Open of new, empty data that only the calling case
// uses (a new database, a new memstore), removed when t ends.
type Fresh func(t *testing.T) Open

// Run runs the conformance suite, each case as a parallel subtest. fresh
// is called once per case, and per row of a table-driven case.
func Run(t *testing.T, fresh Fresh) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, fresh Fresh)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"NotFound", testNotFound},
		{"CreateRefusesTaken", testCreateRefusesTaken},
		{"WithoutEmail", testWithoutEmail},
		{"ComparesExactly", testComparesExactly},
		{"TimesAreTheCallers", testTimesAreTheCallers},
		{"ListAndCount", testListAndCount},
		{"SetPasswordHash", testSetPasswordHash},
		{"ReplacePasswordHash", testReplacePasswordHash},
		{"SetLocked", testSetLocked},
		{"MarkEmailVerified", testMarkEmailVerified},
		{"Delete", testDelete},
		{"SecondHandle", testSecondHandle},
		{"ContextDone", testContextDone},
		{"HostileStrings", testHostileStrings},
		{"KeepsCopies", testKeepsCopies},
		{"RacingCreatesOneEmail", testRacingCreatesOneEmail},
		{"RacingCreatesManyEmails", testRacingCreatesManyEmails},
		{"RacingReplacePasswordHash", testRacingReplace},
		{"RehashRacingPasswordChange", testRehashRacingPasswordChange},
		{"RacingLocks", testRacingLocks},
		{"RacingDeletes", testRacingDeletes},
		{"DirectoryRegistersOnce", testDirectoryRegistersOnce},
		{"DirectoryRegisterOrFindRacing", testDirectoryRegisterOrFindRacing},
		{"DirectoryLifecycle", testDirectoryLifecycle},
		{"RandomSequence", testRandomSequence},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, fresh)
		})
	}
}

// base is when every case's clock starts; every time the suite passes is
// a whole number of microseconds after it.
var base = time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)

var bg = context.Background()

// newRecord returns a new account, created at the given time, with a
// random id, email and hash of the shapes the Directory gives.
func newRecord(t *testing.T, created time.Time) users.Record {
	t.Helper()
	return users.Record{
		User: users.User{
			ID:        "usr_" + randomHex(t, 16),
			Email:     "u-" + randomHex(t, 6) + "@example.com",
			Name:      "Some One",
			CreatedAt: created,
			UpdatedAt: created,
		},
		PasswordHash: newHash(t),
	}
}

// newHash returns a random string of the length of a bcrypt hash.
func newHash(t *testing.T) string {
	t.Helper()
	return "$2a$04$" + randomHex(t, 27)[:53]
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// create stores rec and fails the test on error.
func create(t *testing.T, s users.Store, rec users.Record) users.Record {
	t.Helper()
	require.NoError(t, s.Create(bg, rec), "create %s", rec.ID)
	return rec
}

// get returns the account of id, failing the test on a store error.
func get(t *testing.T, s users.Store, id string) (users.Record, bool) {
	t.Helper()
	rec, found, err := s.Get(bg, id)
	require.NoError(t, err, "get %q", id)
	return rec, found
}

// assertStored checks that want is stored, exactly, under its id and its
// email, if it has one.
func assertStored(t *testing.T, s users.Store, want users.Record, msgAndArgs ...any) bool {
	t.Helper()
	got, found, err := s.Get(bg, want.ID)
	if !assert.NoError(t, err, msgAndArgs...) || !assert.True(t, found, msgAndArgs...) ||
		!assert.Equal(t, normal(want), normal(got), msgAndArgs...) {
		return false
	}
	if want.Email == "" {
		return true
	}
	got, found, err = s.GetByEmail(bg, want.Email)
	return assert.NoError(t, err, msgAndArgs...) && assert.True(t, found, msgAndArgs...) &&
		assert.Equal(t, normal(want), normal(got), msgAndArgs...)
}

// assertAbsent checks that no account has id, nor email.
func assertAbsent(t *testing.T, s users.Store, id, email string, msgAndArgs ...any) {
	t.Helper()
	got, found, err := s.Get(bg, id)
	require.NoError(t, err, msgAndArgs...)
	assert.False(t, found, "%v: found %+v", msgAndArgs, got)
	got, found, err = s.GetByEmail(bg, email)
	require.NoError(t, err, msgAndArgs...)
	assert.False(t, found, "%v: found %+v", msgAndArgs, got)
}

// normal is rec with its times in UTC, as compared.
func normal(rec users.Record) users.Record {
	rec.CreatedAt = rec.CreatedAt.UTC()
	rec.UpdatedAt = rec.UpdatedAt.UTC()
	rec.EmailVerifiedAt = utc(rec.EmailVerifiedAt)
	rec.LockedAt = utc(rec.LockedAt)
	return rec
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// at returns a pointer to t, for Record's optional times.
func at(t time.Time) *time.Time { return &t }

// count returns the number of accounts, failing the test on error.
func count(t *testing.T, s users.Store) int64 {
	t.Helper()
	n, err := s.Count(bg)
	require.NoError(t, err)
	return n
}

// listed returns every account, by id, checking that none comes twice.
func listed(t *testing.T, s users.Store) map[string]users.Record {
	t.Helper()
	recs, err := s.List(bg)
	require.NoError(t, err)
	byID := make(map[string]users.Record, len(recs))
	for _, rec := range recs {
		_, twice := byID[rec.ID]
		require.False(t, twice, "List returned %s twice", rec.ID)
		byID[rec.ID] = normal(rec)
	}
	return byID
}

// byID indexes recs by id, as listed does.
func byID(recs ...users.Record) map[string]users.Record {
	m := make(map[string]users.Record, len(recs))
	for _, rec := range recs {
		m[rec.ID] = normal(rec)
	}
	return m
}
