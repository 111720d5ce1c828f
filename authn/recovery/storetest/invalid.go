package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
)

// userIDs are user ids at and across the edges of what a store keeps.
var userIDs = []struct {
	name  string
	id    string
	valid bool
}{
	{"empty", "", false},
	{"NUL only", "\x00", false},
	{"NUL inside", "usr\x00_1", false},
	{"invalid UTF-8", "usr_\xff\xfe", false},
	{"overlong encoding", "usr_\xc0\xaf", false},
	{"lone continuation byte", "\x80", false},
	{"surrogate half", "\xed\xa0\x80", false},
	{"cut rune at the limit", strings.Repeat("u", recovery.MaxUserIDLength-1) + "é"[:1], false},
	{"over the limit", strings.Repeat("u", recovery.MaxUserIDLength+1), false},
	{"over the limit by a rune's last byte", strings.Repeat("u", recovery.MaxUserIDLength-1) + "é", false},
	{"over the limit in four-byte runes", strings.Repeat("\U0001F511", recovery.MaxUserIDLength/4) + "u", false},
	{"10 kB", strings.Repeat("long-", 2000), false},

	{"at the limit", strings.Repeat("u", recovery.MaxUserIDLength), true},
	{"at the limit in two-byte runes", strings.Repeat("é", recovery.MaxUserIDLength/2), true},
	{"at the limit in four-byte runes", strings.Repeat("\U0001F511", recovery.MaxUserIDLength/4), true},
	{"a space", " ", true},
	{"quotes", `'"` + "`", true},
	{"SQL", "'; DROP TABLE gatehouse_recovery_codes; --", true},
	{"control characters", "\x01\x1b[31m\x7f", true},
}

// A user id no user can have is refused by Replace with ErrInvalidUserID,
// writing nothing, and answered as a user without codes by every other
// method; one at the edge of valid is a user like any other.
func testInvalidUserIDs(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	for i, tt := range userIDs {
		codes := newDigests(t, 3)
		var err error
		require.NotPanics(t, func() { err = s.Replace(bg, tt.id, codes, base.Add(time.Duration(i)*time.Second)) }, tt.name)
		if tt.valid {
			require.NoError(t, err, tt.name)
			assert.Equal(t, 3, remaining(t, s, tt.id), tt.name)
			assert.True(t, consume(t, s, tt.id, codes[0], base), tt.name)
			n, err := s.DeleteUser(bg, tt.id)
			require.NoError(t, err, tt.name)
			assert.Equal(t, 3, n, tt.name)
			continue
		}
		assert.ErrorIs(t, err, recovery.ErrInvalidUserID, tt.name)
		require.NotPanics(t, func() {
			assert.Zero(t, remaining(t, s, tt.id), tt.name)
			assertUnusable(t, s, tt.id, codes, tt.name)
			n, err := s.DeleteUser(bg, tt.id)
			require.NoError(t, err, tt.name)
			assert.Zero(t, n, tt.name)
		}, tt.name)
	}
}

// Every lookup and delete, given a user id from a hostile request (pattern
// syntax, prefixes, case variants, ids no user can have), finds nothing,
// without an error or a panic, and changes nothing.
func testHostileUserIDs(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner := "usr_0123456789abcdef"
	codes := replace(t, s, owner, newDigests(t, 5), base)
	hostile := []string{"%", "_", "*", "usr_%", "usr\\_%", owner[:len(owner)-1] + "_", owner[:len(owner)-1] + "%",
		strings.ToUpper(owner), owner + " ", " " + owner, owner + "\x00", "' OR '1'='1", "' OR user_id LIKE '%"}
	for _, tt := range userIDs {
		if !tt.valid {
			hostile = append(hostile, tt.id)
		}
	}
	for _, userID := range hostile {
		require.NotPanics(t, func() {
			assert.Zero(t, remaining(t, s, userID), "%q", userID)
			assertUnusable(t, s, userID, codes, "%q", userID)
			n, err := s.DeleteUser(bg, userID)
			require.NoError(t, err, "%q", userID)
			assert.Zero(t, n, "%q", userID)
		}, "%q", userID)
	}
	assert.Equal(t, len(codes), remaining(t, s, owner), "nothing changed")
	assertUsable(t, s, owner, codes)
}

// A call whose context is done, cancelled or past its deadline, fails with
// the context's error and changes nothing.
func testContextDone(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner := newUserID(t)
	codes := replace(t, s, owner, newDigests(t, 5), base)
	require.True(t, consume(t, s, owner, codes[0], base))
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	expired, cancelExpired := context.WithDeadline(bg, time.Unix(1, 0)) // long past
	defer cancelExpired()
	for name, ctx := range map[string]context.Context{"cancelled": cancelled, "past its deadline": expired} {
		calls := map[string]func() error{
			"Replace":      func() error { return s.Replace(ctx, owner, newDigests(t, 5), base) },
			"Replace none": func() error { return s.Replace(ctx, owner, nil, base) },
			"Consume":      func() error { _, err := s.Consume(ctx, owner, codes[1], base); return err },
			"Remaining":    func() error { _, err := s.Remaining(ctx, owner); return err },
			"DeleteUser":   func() error { _, err := s.DeleteUser(ctx, owner); return err },
		}
		for call, run := range calls {
			assert.ErrorIs(t, run(), ctx.Err(), "%s: %s", name, call)
		}
		assert.Equal(t, len(codes)-1, remaining(t, s, owner), "%s: nothing changed", name)
	}
	assertUnusable(t, s, owner, codes[:1])
	assertUsable(t, s, owner, codes[1:])
}
