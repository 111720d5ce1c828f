package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
)

// Open returns a handle on one test's data. Every call returns a new
// handle, as another process opening the same backend would have, which
// sees what the others wrote; a store that lives in one process's memory
// returns itself. It closes what it opens when t ends.
type Open func(t *testing.T) recovery.Store

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
		{"RoundTrip", testRoundTrip},
		{"ReplaceDropsOldCodes", testReplaceDropsOldCodes},
		{"ReplaceRefusesRepeats", testReplaceRefusesRepeats},
		{"ReplaceIfNone", testReplaceIfNone},
		{"ConsumeOnce", testConsumeOnce},
		{"NotFound", testNotFound},
		{"ComparesExactly", testComparesExactly},
		{"DeleteUser", testDeleteUser},
		{"SecondHandle", testSecondHandle},
		{"InvalidUserIDs", testInvalidUserIDs},
		{"HostileUserIDs", testHostileUserIDs},
		{"ContextDone", testContextDone},
		{"KeepsCopies", testKeepsCopies},
		{"RacingConsumesOneCode", testRacingConsumesOneCode},
		{"RacingConsumesManyCodes", testRacingConsumesManyCodes},
		{"RacingReplaces", testRacingReplaces},
		{"RacingReplaceIfNones", testRacingReplaceIfNones},
		{"RacingReplacesAndConsumes", testRacingReplacesAndConsumes},
		{"RacingDeleteUserAndReplaces", testRacingDeleteUserAndReplaces},
		{"RandomSequence", testRandomSequence},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, fresh)
		})
	}
}

// base is when every case's clock starts. Every time the suite passes is a
// whole number of microseconds after it, in UTC, as Codes passes them.
var base = time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)

var bg = context.Background()

// newUserID returns a random user id of the shape users.Directory gives.
func newUserID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return "usr_" + hex.EncodeToString(b)
}

// newDigests returns n random digests, distinct.
func newDigests(t *testing.T, n int) [][32]byte {
	t.Helper()
	digests := make([][32]byte, n)
	for i := range digests {
		_, err := rand.Read(digests[i][:])
		require.NoError(t, err)
	}
	return digests
}

// replace gives userID the codes digests and fails the test on error.
func replace(t *testing.T, s recovery.Store, userID string, digests [][32]byte, at time.Time) [][32]byte {
	t.Helper()
	require.NoError(t, s.Replace(bg, userID, digests, at), "Replace %q", userID)
	return digests
}

// consume consumes userID's code d and returns whether it was consumed.
func consume(t *testing.T, s recovery.Store, userID string, d [32]byte, at time.Time) bool {
	t.Helper()
	consumed, err := s.Consume(bg, userID, d, at)
	require.NoError(t, err, "Consume %q %x", userID, d[:4])
	return consumed
}

// remaining returns how many unused codes userID has.
func remaining(t *testing.T, s recovery.Store, userID string) int {
	t.Helper()
	n, err := s.Remaining(bg, userID)
	require.NoError(t, err, "Remaining %q", userID)
	return n
}

// assertUnusable checks that none of digests is an unused code of userID,
// consuming any that is.
func assertUnusable(t *testing.T, s recovery.Store, userID string, digests [][32]byte, msgAndArgs ...any) bool {
	t.Helper()
	ok := true
	for i, d := range digests {
		ok = assert.False(t, consume(t, s, userID, d, base), "code %d: %v", i, msgAndArgs) && ok
	}
	return ok
}

// assertUsable checks that every one of digests is an unused code of
// userID, which consumes them.
func assertUsable(t *testing.T, s recovery.Store, userID string, digests [][32]byte, msgAndArgs ...any) bool {
	t.Helper()
	ok := true
	for i, d := range digests {
		ok = assert.True(t, consume(t, s, userID, d, base), "code %d: %v", i, msgAndArgs) && ok
	}
	return ok
}
