package storetest

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// hostile are strings a store may be handed by a caller other than Keys,
// or by a bug: each must be kept byte for byte or refused with an error.
var hostile = map[string]string{
	"just over 255 bytes": strings.Repeat("x", 256),
	"10 kB":               strings.Repeat("long-", 2000),
	"NUL inside":          "nul\x00inside",
	"NUL only":            "\x00",
	"invalid UTF-8":       "bad\xff\xfeutf8",
	"lone continuation":   "\x80",
	"accents":             "ünïcödé",
	"emoji":               "key \U0001F511",
	"line breaks":         "line\nbreak\r\n",
	"glob syntax":         `glob*?[a-z]\`,
	"LIKE syntax":         "100%_",
	"a space":             " ",
	"SQL":                 "'; DROP TABLE gatehouse_api_keys; --",
}

func testHostileStrings(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	kept := 0
	for name, x := range hostile {
		for field, set := range map[string]func(r *apikey.Record){
			"id":     func(r *apikey.Record) { r.ID = x },
			"prefix": func(r *apikey.Record) { r.Prefix = x },
			"hash":   func(r *apikey.Record) { r.Hash = x },
			"owner":  func(r *apikey.Record) { r.OwnerID = x },
			"name":   func(r *apikey.Record) { r.Name = x },
		} {
			rec := newRecord(t, "owner-"+randomHex(t, 8), base)
			set(&rec)
			var err error
			require.NotPanics(t, func() { err = s.Insert(bg, rec) }, "%s as %s", name, field)
			if err != nil {
				// Refused: nothing may have been written.
				_, found, getErr := s.Get(bg, rec.ID)
				assert.False(t, getErr == nil && found, "%s as %s: refused, yet found by id", name, field)
				_, found, lookErr := s.Lookup(bg, rec.Prefix)
				assert.False(t, lookErr == nil && found, "%s as %s: refused, yet found by prefix", name, field)
				recs, listErr := s.List(bg, rec.OwnerID)
				if listErr == nil {
					assert.Empty(t, recs, "%s as %s: refused, yet listed", name, field)
				}
				continue
			}
			kept++
			assertStored(t, s, rec, "%s as %s: kept, so kept exactly", name, field)
			assert.Equal(t, byID(rec), listed(t, s, rec.OwnerID), "%s as %s", name, field)
			at := base.Add(time.Hour)
			found, err := s.Revoke(bg, rec.ID, at)
			require.NoError(t, err, "%s as %s", name, field)
			assert.True(t, found, "%s as %s", name, field)
			recorded, err := s.RecordUse(bg, rec.ID, at, at.Add(-time.Minute))
			require.NoError(t, err, "%s as %s", name, field)
			assert.True(t, recorded, "%s as %s", name, field)
			n, err := s.RevokeOwner(bg, rec.OwnerID, at)
			require.NoError(t, err, "%s as %s", name, field)
			assert.Zero(t, n, "%s as %s: revoked already", name, field)
			rec.RevokedAt, rec.LastUsedAt = at, at
			assertStored(t, s, rec, "%s as %s", name, field)
		}
	}
	assert.Positive(t, kept, "a store keeps some of them (accents and emoji, at least)")

	// Every method, given them as arguments on a store holding one other
	// key, answers without panicking: not found, or an error.
	s = fresh(t)(t)
	other := insert(t, s, newRecord(t, "bob", base))
	for name, x := range hostile {
		assert.NotPanics(t, func() {
			_, found, err := s.Lookup(bg, x)
			assert.False(t, err == nil && found, "lookup %s", name)
			_, found, err = s.Get(bg, x)
			assert.False(t, err == nil && found, "get %s", name)
			recs, err := s.List(bg, x)
			assert.False(t, err == nil && len(recs) > 0, "list %s", name)
			found, err = s.Revoke(bg, x, base)
			assert.False(t, err == nil && found, "revoke %s", name)
			n, err := s.RevokeOwner(bg, x, base)
			assert.False(t, err == nil && n > 0, "revoke owner %s", name)
			recorded, err := s.RecordUse(bg, x, base, base)
			assert.False(t, err == nil && recorded, "record use %s", name)
		}, name)
	}
	assertStored(t, s, other, "no hostile argument reached another key")
}

// view returns a string sharing memory with b, as a caller that parses
// requests into a reused buffer might pass, and which must not be kept.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scribble overwrites bufs, as a caller reusing them for the next request.
func scribble(bufs ...[]byte) {
	for _, b := range bufs {
		for i := range b {
			b[i] = 'z'
		}
	}
}

func testKeepsCopies(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	want := newRecord(t, "alice", base)
	idBuf, prefixBuf, hashBuf := []byte(want.ID), []byte(want.Prefix), []byte(want.Hash)
	ownerBuf, nameBuf := []byte(want.OwnerID), []byte(want.Name)
	borrowed := want
	borrowed.ID, borrowed.Prefix, borrowed.Hash = view(idBuf), view(prefixBuf), view(hashBuf)
	borrowed.OwnerID, borrowed.Name = view(ownerBuf), view(nameBuf)
	require.NoError(t, s.Insert(bg, borrowed))
	scribble(idBuf, prefixBuf, hashBuf, ownerBuf, nameBuf)

	assertStored(t, s, want, "the store kept its own copies")
	assert.Equal(t, byID(want), listed(t, s, "alice"))
	assert.Empty(t, listed(t, s, string(ownerBuf)))
	assertAbsent(t, s, string(idBuf), string(prefixBuf))

	// Updates through borrowed strings, too: a store that re-keys its
	// data with the caller's string would lose the key now.
	at := base.Add(time.Hour)
	idBuf = []byte(want.ID)
	recorded, err := s.RecordUse(bg, view(idBuf), at, at.Add(-time.Minute))
	require.NoError(t, err)
	require.True(t, recorded)
	scribble(idBuf)
	idBuf = []byte(want.ID)
	found, err := s.Revoke(bg, view(idBuf), at)
	require.NoError(t, err)
	require.True(t, found)
	scribble(idBuf)
	ownerBuf = []byte(want.OwnerID)
	n, err := s.RevokeOwner(bg, view(ownerBuf), at)
	require.NoError(t, err)
	assert.Zero(t, n)
	scribble(ownerBuf)
	prefixBuf = []byte(want.Prefix)
	_, found, err = s.Lookup(bg, view(prefixBuf))
	require.NoError(t, err)
	require.True(t, found)
	scribble(prefixBuf)

	want.RevokedAt, want.LastUsedAt = at, at
	assertStored(t, s, want)
	assertStored(t, open(t), want, "another handle reads the same")
	assert.Equal(t, byID(want), listed(t, s, "alice"))
}
