package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// Open returns a handle on one test's data. Every call returns a new
// handle, as another process opening the same backend would have, which
// sees what the others wrote; a store that lives in one process's memory
// returns itself. It closes what it opens when t ends.
type Open func(t *testing.T) totp.Store

// Fresh returns the Open of new, empty data that only the calling case
// uses (a new database, a new memstore), which it removes when t ends.
type Fresh func(t *testing.T) Open

// Run runs the conformance suite, each case as a parallel subtest. fresh
// is called once per case.
func Run(t *testing.T, fresh Fresh) {
	t.Helper()
	cases := []struct {
		name string
		run  func(t *testing.T, fresh Fresh)
	}{
		{"SetPendingAndGet", testSetPendingAndGet},
		{"Activate", testActivate},
		{"PendingBesideActive", testPendingBesideActive},
		{"UseStep", testUseStep},
		{"Delete", testDelete},
		{"NotFound", testNotFound},
		{"ComparesExactly", testComparesExactly},
		{"KeepsTimes", testKeepsTimes},
		{"InvalidArguments", testInvalidArguments},
		{"ContextDone", testContextDone},
		{"KeepsCopies", testKeepsCopies},
		{"RacingUseStepOneStep", testRacingUseStepOneStep},
		{"RacingUseStepManySteps", testRacingUseStepManySteps},
		{"RacingActivate", testRacingActivate},
		{"RacingSetPending", testRacingSetPending},
		{"RandomSequence", testRandomSequence},
		{"Manager", testManager},
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
var base = time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)

var bg = context.Background()

// sealedSize is the size of the Manager's sealed secrets.
const sealedSize = 49

// newUserID returns a random user id of the shape users.Directory gives.
func newUserID(t *testing.T) string {
	t.Helper()
	return "usr_" + hex.EncodeToString(random(t, 16))
}

// newSealed returns random bytes of the size of a sealed secret: the
// store neither opens nor reads them.
func newSealed(t *testing.T) []byte {
	t.Helper()
	return random(t, sealedSize)
}

func random(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// setPending stores sealed as userID's pending secret, failing the test on
// error.
func setPending(t *testing.T, s totp.Store, userID string, sealed []byte, at time.Time) {
	t.Helper()
	require.NoError(t, s.SetPending(bg, userID, sealed, at), "set pending of %q", userID)
}

// activate makes sealed, pending, the active secret, failing the test
// unless it did.
func activate(t *testing.T, s totp.Store, userID string, sealed []byte, at time.Time, step int64) {
	t.Helper()
	activated, err := s.Activate(bg, userID, sealed, at, step)
	require.NoError(t, err, "activate %q", userID)
	require.True(t, activated, "activate %q", userID)
}

// enrolled returns a user with an active secret, confirmed at base with
// step, and the secret.
func enrolled(t *testing.T, s totp.Store, step int64) (string, []byte) {
	t.Helper()
	user, sealed := newUserID(t), newSealed(t)
	setPending(t, s, user, sealed, base)
	activate(t, s, user, sealed, base, step)
	return user, sealed
}

// get returns userID's record, failing the test on error.
func get(t *testing.T, s totp.Store, userID string) (totp.Record, bool) {
	t.Helper()
	rec, found, err := s.Get(bg, userID)
	require.NoError(t, err, "get %q", userID)
	return rec, found
}

// normal is rec as compared: times in UTC, empty slices nil.
func normal(rec totp.Record) totp.Record {
	rec.ActivatedAt = rec.ActivatedAt.UTC()
	rec.UpdatedAt = rec.UpdatedAt.UTC()
	if len(rec.Pending) == 0 {
		rec.Pending = nil
	}
	if len(rec.Active) == 0 {
		rec.Active = nil
	}
	return rec
}

// assertStored checks that want is the record of want.UserID, exactly.
func assertStored(t *testing.T, s totp.Store, want totp.Record, msgAndArgs ...any) bool {
	t.Helper()
	got, found := get(t, s, want.UserID)
	return assert.True(t, found, msgAndArgs...) && assert.Equal(t, normal(want), normal(got), msgAndArgs...)
}

// assertAbsent checks that userID has no record.
func assertAbsent(t *testing.T, s totp.Store, userID string, msgAndArgs ...any) bool {
	t.Helper()
	_, found := get(t, s, userID)
	return assert.False(t, found, msgAndArgs...)
}
