// Package revocationtest is the conformance suite of token.Revocations:
// the contract every revocation list keeps, checked the same way for all
// of them. gatehouse runs it against authn/token/memstore, against
// authn/token/gormstore on SQLite, PostgreSQL and MariaDB, and against
// authn/token/redisstore; run it against a list of one's own:
//
//	func TestMyRevocations(t *testing.T) {
//		revocationtest.Run(t, func(t *testing.T, now func() time.Time) revocationtest.Backend {
//			backend := newEmptyBackend(t) // a new database, a new key prefix
//			return revocationtest.Backend{
//				// A new handle on the same data, as another process has it.
//				Open: func(t *testing.T) token.Revocations { return myRevocations(backend, now) },
//				// Only for lists whose handles catch up with each other
//				// later, as gormstore's do on Reload; nil when every handle
//				// sees every revocation at once.
//				Sync: func(t *testing.T, r token.Revocations) { … },
//			}
//		})
//	}
//
// The suite checks each way of revoking, seen from the handle that made
// it and from another; that ids, families and subjects are separate and
// compared exactly (case, accents, trailing spaces, odd bytes); that
// racing RevokeSubject calls from several handles are all counted; that a
// revocation made twice keeps the later expiry and lasts until MaxLeeway
// after it, by the clock it is given; that bad input is refused with the
// error of token's validators and changes nothing; that no caller memory
// is kept; a long random sequence from several handles against a model;
// and an Issuer on the list verifying and refusing real tokens. Lists
// that forget expired revocations on request (Cleaner) are also checked to
// forget them, and to forget nothing else.
package revocationtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// Open returns a new handle on one backend's revocations: the list as
// another process, opening the same database or connecting to the same
// server, would have it. A list of one process (memstore) returns the
// same list every time.
type Open func(t *testing.T) token.Revocations

// Backend is one empty backend a case of the suite runs on.
type Backend struct {
	// Open opens handles on the backend; required.
	Open Open
	// Sync, when set, brings r up to date with the revocations made
	// through the backend's other handles, as a replica catches up
	// (gormstore: Reload). Nil means every handle sees every revocation
	// as soon as the call that made it returns (a shared server, shared
	// memory).
	Sync func(t *testing.T, r token.Revocations)
}

// Fresh returns a new, empty backend sharing nothing with any other, whose
// handles read the current time, where they need it, from now: the
// suite's fake clock, which starts in 2030 and only moves when the suite
// moves it.
type Fresh func(t *testing.T, now func() time.Time) Backend

// Cleaner is implemented by the lists that forget expired revocations when
// asked (gormstore and memstore; redisstore's keys expire by themselves).
// Cleanup must forget, on the handle it is called on, every revocation of
// a token or family whose expiry is more than token.MaxLeeway before now,
// and nothing else; it returns how many it forgot.
type Cleaner interface {
	Cleanup(ctx context.Context) (int64, error)
}

// start is where the suite's clock begins: a whole minute, so that every
// time the suite makes is whole minutes from it.
var start = time.Date(2030, 1, 2, 3, 4, 0, 0, time.UTC)

// Run runs the whole suite, each case on a backend of its own.
func Run(t *testing.T, fresh Fresh) {
	cases := []struct {
		name string
		run  func(t *testing.T, e *env)
	}{
		{"Empty", testEmpty},
		{"RevokeToken", testRevokeToken},
		{"RevokeFamily", testRevokeFamily},
		{"RevokeSubject", testRevokeSubject},
		{"RacingRevokeSubjectAllCounted", testRacingRevokeSubject},
		{"RacingRevocationsKeepTheLaterExpiry", testRacingRevocations},
		{"LaterExpiryKept", testLaterExpiryKept},
		{"ExpiryByTheGivenClock", testExpiry},
		{"BadInputChangesNothing", testBadInput},
		{"OddInputComparedExactly", testOddInput},
		{"HostileQueries", testHostileQueries},
		{"KeepsNoCallerMemory", testKeepsNoCallerMemory},
		{"LongSequenceMatchesModel", testLongSequence},
		{"IssuerOnTheList", testIssuer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clk := authntest.NewClock(start)
			b := fresh(t, clk.Now)
			require.NotNil(t, b.Open, "Backend.Open")
			c.run(t, &env{clk: clk, backend: b})
		})
	}
}

// env is one case's backend and clock.
type env struct {
	clk     *authntest.Clock
	backend Backend
}

// open opens a handle and requires it to be able to answer.
func (e *env) open(t *testing.T) token.Revocations {
	t.Helper()
	r := e.backend.Open(t)
	require.NotNil(t, r, "Open returned nil")
	require.NoError(t, r.Err(), "a new handle can answer")
	return r
}

// sync brings r up to date with the other handles' revocations.
func (e *env) sync(t *testing.T, r token.Revocations) token.Revocations {
	t.Helper()
	if e.backend.Sync != nil {
		e.backend.Sync(t, r)
	}
	return r
}

// cleanup runs r's Cleanup when it has one, and reports whether it did.
func cleanup(t *testing.T, r token.Revocations) bool {
	t.Helper()
	c, ok := r.(Cleaner)
	if !ok {
		return false
	}
	_, err := c.Cleanup(context.Background())
	require.NoError(t, err, "Cleanup")
	return true
}

// revoked asks r, failing the test on error.
func revoked(t *testing.T, r token.Revocations, jti, subject, family string, generation int64) bool {
	t.Helper()
	ok, err := r.Revoked(context.Background(), jti, subject, family, generation)
	require.NoError(t, err, "Revoked(%q, %q, %q, %d)", jti, subject, family, generation)
	return ok
}

// generation asks r, failing the test on error.
func generation(t *testing.T, r token.Revocations, subject string) int64 {
	t.Helper()
	g, err := r.Generation(context.Background(), subject)
	require.NoError(t, err, "Generation(%q)", subject)
	return g
}

// tokenRevoked reports whether the id alone revokes a token.
func tokenRevoked(t *testing.T, r token.Revocations, jti string) bool {
	t.Helper()
	return revoked(t, r, jti, "nobody", "", 0)
}

// familyRevoked reports whether the family alone revokes a token.
func familyRevoked(t *testing.T, r token.Revocations, family string) bool {
	t.Helper()
	return revoked(t, r, "no-such-token", "nobody", family, 0)
}
