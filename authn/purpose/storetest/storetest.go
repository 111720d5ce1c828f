// Package storetest is the conformance suite of purpose.Store: the contract
// every store of used purpose-token ids keeps, checked the same way for all
// of them. gatehouse runs it against purpose/memstore, purpose/gormstore on
// SQLite, PostgreSQL and MariaDB, and purpose/redisstore; run it against a
// store of your own:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			backend := newEmptyBackend(t)
//			return func(t *testing.T) purpose.Store { return myStore(t, backend) }
//		})
//	}
//
// It checks that a token id is used once, exactly, among racing callers on
// several handles (as several processes); that records are kept until
// their token can no longer verify, and Cleanup forgets only what it may;
// that ids of any bytes round-trip exactly; that the store keeps no memory
// of its callers; a long random sequence against a model; and Tokens on the
// store consuming real tokens once.
package storetest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/purpose"
)

// Open returns a new handle on one backend's data, as another process
// would have it. The backends of two Fresh calls share nothing.
type Open func(t *testing.T) purpose.Store

// Fresh returns the Open of a new, empty backend.
type Fresh func(t *testing.T) Open

// Run runs the whole suite, each case on a backend of its own.
func Run(t *testing.T, fresh Fresh) {
	cases := []struct {
		name string
		run  func(t *testing.T, open Open)
	}{
		{"MarkUsedOnce", testMarkUsedOnce},
		{"RacingMarksHaveOneWinner", testRacingMarks},
		{"CleanupForgetsOnlyWhatItMay", testCleanup},
		{"IDsRoundTripExactly", testIDs},
		{"KeepsNoCallerMemory", testKeepsNoCallerMemory},
		{"LongSequenceMatchesModel", testLongSequence},
		{"TokensConsumeOnce", testTokens},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(t, fresh(t)) })
	}
}

// now is the suite's clock: the records' times are all relative to it.
var now = time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)

func used(id, purposeName string, expiresIn time.Duration) purpose.UsedToken {
	return purpose.UsedToken{ID: id, Purpose: purposeName, Subject: "subject-" + id, UsedAt: now, ExpiresAt: now.Add(expiresIn)}
}

func mark(t *testing.T, s purpose.Store, u purpose.UsedToken) bool {
	t.Helper()
	first, err := s.MarkUsed(context.Background(), u)
	require.NoError(t, err, "MarkUsed %q", u.ID)
	return first
}

func isUsed(t *testing.T, s purpose.Store, id string) bool {
	t.Helper()
	ok, err := s.IsUsed(context.Background(), id)
	require.NoError(t, err, "IsUsed %q", id)
	return ok
}

// uniqueID returns an id no other case uses, for stores whose backends
// cannot be emptied between cases.
var counter atomic.Int64

func uniqueID(name string) string {
	return fmt.Sprintf("%s-%d-%d", name, time.Now().UnixNano()%1e9, counter.Add(1))
}

func testMarkUsedOnce(t *testing.T, open Open) {
	s, other := open(t), open(t)
	id := uniqueID("once")
	assert.False(t, isUsed(t, s, id), "an id never marked is not used")
	assert.True(t, mark(t, s, used(id, purpose.PasswordReset, time.Hour)), "the first mark records")
	assert.True(t, isUsed(t, s, id))
	assert.True(t, isUsed(t, other, id), "another handle sees the mark at once")
	assert.False(t, mark(t, other, used(id, purpose.PasswordReset, time.Hour)), "a second mark finds it")
	assert.False(t, mark(t, s, used(id, purpose.EmailVerification, 2*time.Hour)), "whatever the purpose")
	assert.False(t, isUsed(t, s, id+"x"))
	assert.False(t, isUsed(t, s, strings.ToUpper(id)), "ids compare exactly")
}

func testRacingMarks(t *testing.T, open Open) {
	const racers = 12
	stores := make([]purpose.Store, 3)
	for i := range stores {
		stores[i] = open(t)
	}
	for round := 0; round < 5; round++ {
		id := uniqueID("race")
		var wins atomic.Int32
		var wg sync.WaitGroup
		errs := make(chan error, racers)
		for i := 0; i < racers; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				first, err := stores[i%len(stores)].MarkUsed(context.Background(), used(id, purpose.PasswordReset, time.Hour))
				if err != nil {
					errs <- err
					return
				}
				if first {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.EqualValues(t, 1, wins.Load(), "round %d: exactly one racer records the id", round)
	}
}

func testCleanup(t *testing.T, open Open) {
	s := open(t)
	ctx := context.Background()
	expired, current := uniqueID("expired"), uniqueID("current")
	otherPurpose, boundary := uniqueID("other"), uniqueID("boundary")
	require.True(t, mark(t, s, used(expired, purpose.PasswordReset, time.Minute)))
	require.True(t, mark(t, s, used(current, purpose.PasswordReset, time.Hour)))
	require.True(t, mark(t, s, used(otherPurpose, purpose.EmailVerification, time.Minute)))
	require.True(t, mark(t, s, used(boundary, purpose.PasswordReset, 10*time.Minute)))

	// A cutoff at the boundary token's expiry: it expired no earlier.
	n, err := s.Cleanup(ctx, purpose.PasswordReset, now.Add(10*time.Minute))
	require.NoError(t, err)
	require.LessOrEqual(t, n, int64(1), "only the expired record of the purpose may go")
	if n == 1 {
		assert.False(t, isUsed(t, s, expired), "Cleanup said it forgot the expired record")
	}
	assert.True(t, isUsed(t, s, boundary), "a record whose token expired at the cutoff stays")
	assert.True(t, isUsed(t, s, current), "a record of a live token stays")
	assert.True(t, isUsed(t, s, otherPurpose), "another purpose's records are its own to clean")
	n, err = s.Cleanup(ctx, purpose.PasswordReset, now.Add(10*time.Minute))
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to forget")
}

// oddIDs are ids that must round-trip exactly.
var oddIDs = []string{
	"a", "A", "with space", "nul\x00byte", "\xff\xfe invalid utf-8", "é", "e\u0301",
	"*", "?", "[a-z]", "key:with:colons", "percent%_", "'; DROP TABLE x; --",
	strings.Repeat("x", 64), strings.Repeat("é", 32),
}

func testIDs(t *testing.T, open Open) {
	s := open(t)
	ctx := context.Background()
	prefix := fmt.Sprintf("o%07d-", counter.Add(1)%1e7)
	kept := 0
	for i, raw := range oddIDs {
		id := raw
		if len(prefix)+len(raw) <= 64 {
			id = prefix + raw
		}
		// A store may refuse an id its backend cannot hold (a SQL
		// database refuses NUL and invalid UTF-8: Tokens never issue
		// such ids); what it takes, it keeps exactly.
		first, err := s.MarkUsed(ctx, used(id, purpose.PasswordReset, time.Hour))
		if err != nil {
			ok, checkErr := s.IsUsed(ctx, id)
			assert.False(t, checkErr == nil && ok, "id %d %q: refused, yet used", i, id)
			continue
		}
		require.True(t, first, "id %d %q", i, id)
		assert.True(t, isUsed(t, s, id), "id %d %q comes back", i, id)
		kept++
	}
	assert.GreaterOrEqual(t, kept, len(oddIDs)-2, "only NUL and invalid UTF-8 may be refused")
	assert.False(t, isUsed(t, s, prefix+"b"), "a pattern matches nothing but itself")
	assert.False(t, isUsed(t, s, prefix+"nul"), "an id is not cut at a NUL")
}

// volatile returns a string that aliases buf, as fasthttp's request values
// do.
func volatile(buf []byte) string { return unsafe.String(unsafe.SliceData(buf), len(buf)) }

func testKeepsNoCallerMemory(t *testing.T, open Open) {
	s := open(t)
	id := uniqueID("volatile")
	buf := []byte(id)
	purposeBuf := []byte(purpose.PasswordReset)
	u := used(volatile(buf), volatile(purposeBuf), time.Hour)
	require.True(t, mark(t, s, u))
	copy(buf, bytes.Repeat([]byte("Z"), len(buf)))
	copy(purposeBuf, bytes.Repeat([]byte("Z"), len(purposeBuf)))
	assert.True(t, isUsed(t, s, id), "the store kept a copy of the id")
	assert.False(t, isUsed(t, s, strings.Repeat("Z", len(id))), "not the caller's buffer")
	n, err := s.Cleanup(context.Background(), purpose.PasswordReset, now.Add(2*time.Hour))
	require.NoError(t, err)
	if n == 1 {
		assert.False(t, isUsed(t, s, id), "its purpose was kept as given")
	}
}

func testLongSequence(t *testing.T, open Open) {
	steps := 400
	if testing.Short() {
		steps = 100
	}
	rng := rand.New(rand.NewPCG(8, 1))
	handles := []purpose.Store{open(t), open(t)}
	ids := make([]string, 25)
	for i := range ids {
		ids[i] = uniqueID(fmt.Sprintf("seq%d", i))
	}
	model := map[string]bool{}
	for step := 0; step < steps; step++ {
		s := handles[rng.IntN(len(handles))]
		if rng.IntN(50) == 0 {
			s = open(t)
		}
		id := ids[rng.IntN(len(ids))]
		if rng.IntN(2) == 0 {
			first := mark(t, s, used(id, purpose.EmailVerification, time.Hour))
			require.Equal(t, !model[id], first, "step %d: mark %s", step, id)
			model[id] = true
		} else {
			require.Equal(t, model[id], isUsed(t, s, id), "step %d: is %s used", step, id)
		}
	}
}

func testTokens(t *testing.T, open Open) {
	ctx := context.Background()
	clock := now
	cfg := purpose.Config{Purpose: purpose.PasswordReset, Key: bytes.Repeat([]byte("k"), purpose.MinKeyLength),
		Issuer: "https://gatehouse.test", Now: func() time.Time { return clock }}
	a, err := purpose.New(open(t), cfg)
	require.NoError(t, err)
	b, err := purpose.New(open(t), cfg)
	require.NoError(t, err)
	tok, err := a.Issue(ctx, "alice", "")
	require.NoError(t, err)
	raw := tok.Value.Reveal()

	subject, err := a.Verify(ctx, raw, nil)
	require.NoError(t, err, "an unused token verifies")
	require.Equal(t, "alice", subject)

	var wg sync.WaitGroup
	var wins atomic.Int32
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := []*purpose.Tokens{a, b}[i%2].Consume(ctx, raw, nil); err == nil {
				wins.Add(1)
			} else {
				assert.ErrorIs(t, err, authn.ErrTokenRevoked)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, wins.Load(), "a token is consumed once, by one of racing processes")
	_, err = b.Verify(ctx, raw, nil)
	require.ErrorIs(t, err, authn.ErrTokenRevoked, "a used token no longer verifies, anywhere")
}
