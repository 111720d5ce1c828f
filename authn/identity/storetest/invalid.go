package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/identity"
)

// outcome is what the contract asks of a store given a link.
type outcome int

const (
	kept    outcome = iota // kept, and given back byte for byte
	refused                // refused with ErrInvalidLink, nothing written
	either                 // one or the other: the contract leaves it to the store
)

// invalidLinks are links at and across the edges of what a store keeps,
// each a change to a valid link.
var invalidLinks = []struct {
	name string
	edit func(l *identity.Link)
	want outcome
}{
	{"empty issuer", func(l *identity.Link) { l.Issuer = "" }, refused},
	{"empty subject", func(l *identity.Link) { l.Subject = "" }, refused},
	{"empty user id", func(l *identity.Link) { l.UserID = "" }, refused},
	{"no time", func(l *identity.Link) { l.CreatedAt = time.Time{} }, refused},

	{"issuer at its limit", func(l *identity.Link) { l.Issuer = strings.Repeat("i", identity.MaxIssuerLength) }, kept},
	{"issuer over its limit", func(l *identity.Link) { l.Issuer = strings.Repeat("i", identity.MaxIssuerLength+1) }, refused},
	{"subject at its limit", func(l *identity.Link) { l.Subject = strings.Repeat("s", identity.MaxSubjectLength) }, kept},
	{"subject over its limit", func(l *identity.Link) { l.Subject = strings.Repeat("s", identity.MaxSubjectLength+1) }, refused},
	{"user id at its limit", func(l *identity.Link) { l.UserID = strings.Repeat("u", identity.MaxUserIDLength) }, kept},
	{"user id over its limit", func(l *identity.Link) { l.UserID = strings.Repeat("u", identity.MaxUserIDLength+1) }, refused},
	{"10 kB subject", func(l *identity.Link) { l.Subject = strings.Repeat("long-", 2000) }, refused},

	// Limits are in bytes: a database counting characters must not let a
	// longer one in, nor refuse one that fits.
	{"subject at its limit in three-byte runes", func(l *identity.Link) { l.Subject = strings.Repeat("€", identity.MaxSubjectLength/3) }, kept},
	{"issuer at its limit in two-byte runes", func(l *identity.Link) { l.Issuer = "i" + strings.Repeat("é", identity.MaxIssuerLength/2) }, kept},
	{"user id at its limit in four-byte runes", func(l *identity.Link) { l.UserID = strings.Repeat("\U0001F511", identity.MaxUserIDLength/4) }, kept},
	{"subject over its limit by a rune's last byte", func(l *identity.Link) {
		l.Subject = strings.Repeat("s", identity.MaxSubjectLength-1) + "é"
	}, refused},
	{"user id over its limit in four-byte runes", func(l *identity.Link) {
		l.UserID = strings.Repeat("\U0001F511", identity.MaxUserIDLength/4) + "u"
	}, refused},

	{"invalid UTF-8 issuer", func(l *identity.Link) { l.Issuer = "https://\xff.example.com" }, refused},
	{"invalid UTF-8 subject", func(l *identity.Link) { l.Subject = "bad\xff\xfeutf8" }, refused},
	{"invalid UTF-8 user id", func(l *identity.Link) { l.UserID = "usr_\xc0\xaf" }, refused},
	{"lone continuation byte", func(l *identity.Link) { l.Subject = "\x80" }, refused},
	{"cut rune at the limit", func(l *identity.Link) { l.Subject = strings.Repeat("s", identity.MaxSubjectLength-1) + "é"[:1] }, refused},
	{"surrogate half", func(l *identity.Link) { l.Subject = "\xed\xa0\x80" }, refused},
	{"NUL in issuer", func(l *identity.Link) { l.Issuer = "https://idp.example.com\x00" }, refused},
	{"NUL in subject", func(l *identity.Link) { l.Subject = "sub\x00ject" }, refused},
	{"NUL user id", func(l *identity.Link) { l.UserID = "\x00" }, refused},

	{"a space", func(l *identity.Link) { l.Subject, l.UserID = " ", " " }, kept},
	{"quotes", func(l *identity.Link) { l.Subject = `'"` + "`" }, kept},
	{"four-byte UTF-8", func(l *identity.Link) { l.Subject = "key \U0001F511" }, kept},
	{"control characters", func(l *identity.Link) { l.Subject = "\x01\x1b[31m\x7f" }, kept},

	{"earliest time", func(l *identity.Link) { l.CreatedAt = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC) }, kept},
	{"latest time", func(l *identity.Link) { l.CreatedAt = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC) }, kept},
	{"the year 1", func(l *identity.Link) { l.CreatedAt = time.Date(1, 1, 1, 0, 0, 0, 1000, time.UTC) }, either},
	{"the year 10000", func(l *identity.Link) { l.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, either},
}

// A link the contract calls invalid is refused with ErrInvalidLink and
// writes nothing; one at the edge of valid is kept exactly.
func testInvalidLinks(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	held := create(t, s, identity.Link{Issuer: "https://idp.example.com", Subject: "held", UserID: "usr_held", CreatedAt: base})
	for i, tt := range invalidLinks {
		l := identity.Link{Issuer: "https://idp.example.com", Subject: "subject-" + tt.name, UserID: "usr_" + randomHex(t, 4), CreatedAt: base.Add(time.Duration(i) * time.Second)}
		tt.edit(&l)
		var err error
		require.NotPanics(t, func() { err = s.Create(bg, l) }, tt.name)
		if err == nil && tt.want != refused {
			assertLinked(t, s, l, "%s: kept, so kept exactly", tt.name)
			found, err := s.Delete(bg, l.Issuer, l.Subject)
			require.NoError(t, err, tt.name)
			assert.True(t, found, tt.name)
			continue
		}
		if !assert.NotEqual(t, kept, tt.want, "%s: refused: %v", tt.name, err) {
			continue
		}
		assert.ErrorIs(t, err, identity.ErrInvalidLink, tt.name)
		assert.NotErrorIs(t, err, identity.ErrLinked, tt.name)
		// Nothing written: not under the identity, nor the user.
		_, found, err := s.Find(bg, l.Issuer, l.Subject)
		assert.False(t, err == nil && found, "%s: refused, yet found", tt.name)
		links, err := s.ByUser(bg, l.UserID)
		assert.False(t, err == nil && len(links) > 0, "%s: refused, yet listed: %+v", tt.name, links)
	}

	// An invalid link of a linked identity is refused, one way or the
	// other, and the link stays as it was.
	invalid := held
	invalid.UserID = ""
	assert.Error(t, s.Create(bg, invalid))
	assert.Equal(t, byKey(held), snapshot(t, s, held.UserID), "the one link left is the first")
}

// A call whose context is done, cancelled or past its deadline, fails with
// the context's error and changes nothing.
func testContextDone(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	owner := newUserID(t)
	held := create(t, s, newLink(t, owner))
	cancelled, cancel := context.WithCancel(bg)
	cancel()
	expired, cancelExpired := context.WithDeadline(bg, time.Unix(1, 0)) // long past
	defer cancelExpired()
	for name, ctx := range map[string]context.Context{"cancelled": cancelled, "past its deadline": expired} {
		fresher := newLink(t, owner)
		calls := map[string]func() error{
			"Create":       func() error { return s.Create(ctx, fresher) },
			"Create taken": func() error { return s.Create(ctx, held) },
			"Find":         func() error { _, _, err := s.Find(ctx, held.Issuer, held.Subject); return err },
			"ByUser":       func() error { _, err := s.ByUser(ctx, owner); return err },
			"Delete":       func() error { _, err := s.Delete(ctx, held.Issuer, held.Subject); return err },
			"DeleteUser":   func() error { _, err := s.DeleteUser(ctx, owner); return err },
		}
		for call, run := range calls {
			assert.ErrorIs(t, run(), ctx.Err(), "%s: %s", name, call)
		}
		assert.Equal(t, byKey(held), snapshot(t, s, owner), "%s: nothing changed", name)
	}
}
