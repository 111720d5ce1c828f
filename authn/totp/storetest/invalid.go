package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// kept are user ids a store must keep and give back byte for byte.
var kept = map[string]string{
	"at the limit":             strings.Repeat("u", totp.MaxUserIDLength),
	"at the limit in emoji":    strings.Repeat("\U0001F511", totp.MaxUserIDLength/4) + strings.Repeat("u", totp.MaxUserIDLength%4),
	"accents":                  "ünïcödé",
	"a space":                  " ",
	"line breaks":              "line\nbreak\r\n",
	"SQL":                      "'; DROP TABLE gatehouse_totp; --",
	"LIKE syntax":              "100%_",
	"glob syntax":              `glob*?[a-z]\`,
	"an email":                 "alice@example.com",
	"a UUID":                   "0b7e7c4e-5a5e-4f0a-9c59-2f8f3a1f0d9e",
	"control characters":       "\x01\x1f\x7f",
	"a byte order mark":        "\ufeffusr_1",
	"a right-to-left override": "usr_\u202e1",
}

// refused are user ids no record can have: SetPending refuses them with
// ErrInvalidUserID, and every other method finds nothing, without error.
var refused = map[string]string{
	"empty":                       "",
	"one byte over the limit":     strings.Repeat("u", totp.MaxUserIDLength+1),
	"over the limit in emoji":     strings.Repeat("\U0001F511", totp.MaxUserIDLength/4+1),
	"10 kB":                       strings.Repeat("long-", 2000),
	"NUL inside":                  "nul\x00inside",
	"NUL only":                    "\x00",
	"invalid UTF-8":               "bad\xff\xfeutf8",
	"a lone continuation byte":    "\x80",
	"a truncated rune":            "usr_\xe2\x82",
	"an encoded surrogate (CESU)": "usr_\xed\xa0\x80",
}

func testInvalidArguments(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	bystander, bystanderSealed := enrolled(t, s, 42)
	want := totp.Record{UserID: bystander, Active: bystanderSealed, LastStep: 42, ActivatedAt: base, UpdatedAt: base}

	for name, id := range kept {
		sealed := newSealed(t)
		require.NoError(t, s.SetPending(bg, id, sealed, base), name)
		assertStored(t, open(t), totp.Record{UserID: id, Pending: sealed, UpdatedAt: base}, "%s: kept exactly", name)
		activate(t, s, id, sealed, base, 3)
		accepted, err := s.UseStep(bg, id, sealed, 4)
		require.NoError(t, err, name)
		assert.True(t, accepted, name)
		found, err := s.Delete(bg, id)
		require.NoError(t, err, name)
		assert.True(t, found, name)
		assertAbsent(t, s, id, name)
	}

	for name, id := range refused {
		assert.NotPanics(t, func() {
			err := s.SetPending(bg, id, newSealed(t), base)
			assert.True(t, errors.Is(err, totp.ErrInvalidUserID), "%s: SetPending: %v", name, err)
			_, found, err := s.Get(bg, id)
			assert.NoError(t, err, "%s: Get", name)
			assert.False(t, found, "%s: Get", name)
			activated, err := s.Activate(bg, id, bystanderSealed, base, 50)
			assert.NoError(t, err, "%s: Activate", name)
			assert.False(t, activated, "%s: Activate", name)
			accepted, err := s.UseStep(bg, id, bystanderSealed, 50)
			assert.NoError(t, err, "%s: UseStep", name)
			assert.False(t, accepted, "%s: UseStep", name)
			found, err = s.Delete(bg, id)
			assert.NoError(t, err, "%s: Delete", name)
			assert.False(t, found, "%s: Delete", name)
		}, name)
	}

	// Sealed secrets: empty and over-long ones are refused and change
	// nothing; the longest allowed is kept.
	user := newUserID(t)
	longest := random(t, totp.MaxSealedLength)
	setPending(t, s, user, longest, base)
	rec := totp.Record{UserID: user, Pending: longest, UpdatedAt: base}
	assertStored(t, s, rec, "a sealed secret at the limit")
	for name, sealed := range map[string][]byte{
		"nil":      nil,
		"empty":    {},
		"one over": random(t, totp.MaxSealedLength+1),
		"1 MB":     random(t, 1<<20),
	} {
		assert.Error(t, s.SetPending(bg, user, sealed, base.Add(time.Hour)), name)
		assert.Error(t, s.SetPending(bg, newUserID(t), sealed, base.Add(time.Hour)), "%s, for a new user", name)
		activated, err := s.Activate(bg, user, sealed, base, 1)
		assert.NoError(t, err, name)
		assert.False(t, activated, name)
		accepted, err := s.UseStep(bg, bystander, sealed, 50)
		assert.NoError(t, err, name)
		assert.False(t, accepted, name)
		assertStored(t, s, rec, "%s: nothing changed", name)
	}
	assertStored(t, s, want, "no argument reached another user")
}

// A store given a done context returns an error and changes nothing.
func testContextDone(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	user, sealed := enrolled(t, s, 10)
	pending := newSealed(t)
	setPending(t, s, user, pending, base)
	want := totp.Record{UserID: user, Pending: pending, Active: sealed, LastStep: 10, ActivatedAt: base, UpdatedAt: base}
	newcomer := newUserID(t)

	for name, ctx := range map[string]context.Context{
		"canceled": canceled(),
		"expired":  expired(t),
	} {
		assert.Error(t, s.SetPending(ctx, user, newSealed(t), base.Add(time.Hour)), "%s: SetPending", name)
		assert.Error(t, s.SetPending(ctx, newcomer, newSealed(t), base.Add(time.Hour)), "%s: SetPending of a new user", name)
		_, _, err := s.Get(ctx, user)
		assert.Error(t, err, "%s: Get", name)
		_, err = s.Activate(ctx, user, pending, base.Add(time.Hour), 20)
		assert.Error(t, err, "%s: Activate", name)
		_, err = s.UseStep(ctx, user, sealed, 20)
		assert.Error(t, err, "%s: UseStep", name)
		_, err = s.Delete(ctx, user)
		assert.Error(t, err, "%s: Delete", name)
		assertStored(t, s, want, "%s: nothing changed", name)
		assertAbsent(t, s, newcomer, "%s: nothing created", name)
	}
}

func canceled() context.Context {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	return ctx
}

func expired(t *testing.T) context.Context {
	ctx, cancel := context.WithDeadline(bg, time.Unix(0, 0))
	t.Cleanup(cancel)
	return ctx
}
