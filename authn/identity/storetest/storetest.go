package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
)

// Open returns a handle on one test's data. Every call returns a new
// handle, as another process opening the same backend would have, which
// sees what the others wrote; a store that lives in one process's memory
// returns itself. It closes what it opens when t ends.
type Open func(t *testing.T) identity.Store

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
		{"CreateAndFind", testCreateAndFind},
		{"CreateRefusesLinked", testCreateRefusesLinked},
		{"ComparesExactly", testComparesExactly},
		{"KeepsTimes", testKeepsTimes},
		{"NotFound", testNotFound},
		{"ByUser", testByUser},
		{"Delete", testDelete},
		{"DeleteUser", testDeleteUser},
		{"SecondHandle", testSecondHandle},
		{"InvalidLinks", testInvalidLinks},
		{"HostileArguments", testHostileArguments},
		{"ContextDone", testContextDone},
		{"KeepsCopies", testKeepsCopies},
		{"RacingCreatesOneIdentity", testRacingCreatesOneIdentity},
		{"RacingCreatesManyIdentities", testRacingCreatesManyIdentities},
		{"RacingDeletes", testRacingDeletes},
		{"RacingDeleteUser", testRacingDeleteUser},
		{"RacingRelinks", testRacingRelinks},
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
// whole number of microseconds after it, but for the times of KeepsTimes.
var base = time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)

var bg = context.Background()

// key is an identity, as the suite indexes links.
type key struct{ Issuer, Subject string }

func keyOf(l identity.Link) key { return key{l.Issuer, l.Subject} }

// newLink returns a link of a new identity, at a random issuer and subject
// of the shapes OpenID providers give, to userID, made at base.
func newLink(t *testing.T, userID string) identity.Link {
	t.Helper()
	return identity.Link{
		Issuer:    "https://idp-" + randomHex(t, 4) + ".example.com",
		Subject:   randomHex(t, 12),
		UserID:    userID,
		CreatedAt: base,
	}
}

// newUserID returns a random user id of the shape users.Directory gives.
func newUserID(t *testing.T) string {
	t.Helper()
	return "usr_" + randomHex(t, 16)
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// create stores l and fails the test on error.
func create(t *testing.T, s identity.Store, l identity.Link) identity.Link {
	t.Helper()
	require.NoError(t, s.Create(bg, l), "create %+v", l)
	return l
}

// normal is l with its time in UTC, as compared.
func normal(l identity.Link) identity.Link {
	l.CreatedAt = l.CreatedAt.UTC()
	return l
}

// assertLinked checks that want is stored, exactly: Find returns it, and
// ByUser of its user lists it.
func assertLinked(t *testing.T, s identity.Store, want identity.Link, msgAndArgs ...any) bool {
	t.Helper()
	got, found, err := s.Find(bg, want.Issuer, want.Subject)
	if !assert.NoError(t, err, msgAndArgs...) || !assert.True(t, found, msgAndArgs...) ||
		!assert.Equal(t, normal(want), normal(got), msgAndArgs...) {
		return false
	}
	listed := linksOf(t, s, want.UserID)
	return assert.Contains(t, listed, keyOf(want), msgAndArgs...) &&
		assert.Equal(t, normal(want), listed[keyOf(want)], msgAndArgs...)
}

// assertUnlinked checks that no link has issuer and subject.
func assertUnlinked(t *testing.T, s identity.Store, issuer, subject string, msgAndArgs ...any) bool {
	t.Helper()
	got, found, err := s.Find(bg, issuer, subject)
	return assert.NoError(t, err, msgAndArgs...) &&
		assert.False(t, found, "%v: found %+v", msgAndArgs, got)
}

// linksOf returns the links ByUser gives for userID, by identity, checking
// that each is the user's and none comes twice.
func linksOf(t *testing.T, s identity.Store, userID string) map[key]identity.Link {
	t.Helper()
	links, err := s.ByUser(bg, userID)
	require.NoError(t, err, "ByUser %q", userID)
	m := make(map[key]identity.Link, len(links))
	for _, l := range links {
		_, twice := m[keyOf(l)]
		require.False(t, twice, "ByUser %q returned %+v twice", userID, l)
		require.Equal(t, userID, l.UserID, "ByUser %q returned another user's link", userID)
		m[keyOf(l)] = normal(l)
	}
	return m
}

// snapshot returns every link of userIDs, by identity, as ByUser gives
// them, and checks that Find gives each the same.
func snapshot(t *testing.T, s identity.Store, userIDs ...string) map[key]identity.Link {
	t.Helper()
	all := map[key]identity.Link{}
	for _, userID := range userIDs {
		for k, l := range linksOf(t, s, userID) {
			require.NotContains(t, all, k, "two users have %+v", k)
			all[k] = l
			got, found, err := s.Find(bg, k.Issuer, k.Subject)
			require.NoError(t, err)
			require.True(t, found, "ByUser lists %+v, Find does not find it", k)
			require.Equal(t, l, normal(got), "ByUser and Find disagree")
		}
	}
	return all
}

// byKey indexes links as snapshot does.
func byKey(links ...identity.Link) map[key]identity.Link {
	m := make(map[key]identity.Link, len(links))
	for _, l := range links {
		m[keyOf(l)] = normal(l)
	}
	return m
}
