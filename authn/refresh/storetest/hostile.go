package storetest

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// hostile are strings a store may be handed by a caller other than
// Tokens, or by a bug: each must be kept byte for byte or refused with an
// error.
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
	"SQL":                 "'; DROP TABLE gatehouse_refresh_tokens; --",
}

func testHostileStrings(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	kept := 0
	at := base.Add(time.Minute)
	for name, x := range hostile {
		for field, set := range map[string]func(r *refresh.Record){
			"id":      func(r *refresh.Record) { r.ID = x },
			"family":  func(r *refresh.Record) { r.FamilyID = x },
			"subject": func(r *refresh.Record) { r.Subject = x },
			"hash":    func(r *refresh.Record) { r.TokenHash = x },
		} {
			rec := newFamily(t, "subject-"+randomHex(t, 8), base)
			set(&rec)
			var err error
			require.NotPanics(t, func() { err = s.Insert(bg, rec) }, "%s as %s", name, field)
			if err != nil {
				// Refused: nothing may have been written.
				_, found, findErr := s.Find(bg, rec.TokenHash)
				assert.False(t, findErr == nil && found, "%s as %s: refused, yet found", name, field)
				recs, liveErr := s.LiveTokens(bg, rec.Subject, at)
				assert.False(t, liveErr == nil && len(recs) > 0, "%s as %s: refused, yet live", name, field)
				continue
			}
			kept++
			assertStored(t, s, rec, "%s as %s: kept, so kept exactly", name, field)
			assert.Equal(t, byHash(rec), live(t, s, rec.Subject, at), "%s as %s", name, field)
			next := mustRotate(t, s, rec, at)
			assert.Equal(t, normal(rec.Successor(next)), normal(next), "%s as %s", name, field)
			found, err := s.RevokeFamily(bg, rec.FamilyID, rec.Subject, at)
			require.NoError(t, err, "%s as %s", name, field)
			assert.True(t, found, "%s as %s", name, field)
			assertStored(t, s, revoked(used(rec, at), at), "%s as %s", name, field)
			assertStored(t, s, revoked(next, at), "%s as %s", name, field)
			n, err := s.RevokeSubject(bg, rec.Subject, at)
			require.NoError(t, err, "%s as %s", name, field)
			assert.Zero(t, n, "%s as %s: revoked already", name, field)
		}
	}
	assert.Positive(t, kept, "a store keeps some of them (accents and emoji, at least)")

	// A successor with a hostile id or hash: refused with an error and
	// nothing spent, or stored exactly.
	for name, x := range hostile {
		for field, set := range map[string]func(r *refresh.Record){
			"id":   func(r *refresh.Record) { r.ID = x },
			"hash": func(r *refresh.Record) { r.TokenHash = x },
		} {
			rec := insert(t, s, newFamily(t, "successors", base))
			next := newNext(t, at)
			set(&next)
			var rot refresh.Rotation
			var err error
			require.NotPanics(t, func() { rot, err = s.Rotate(bg, rec.TokenHash, next, at) }, "%s as successor's %s", name, field)
			if err != nil {
				assertStored(t, s, rec, "%s as successor's %s: refused, and nothing spent", name, field)
				continue
			}
			require.Equal(t, refresh.Rotated, rot.Outcome, "%s as successor's %s", name, field)
			assertStored(t, s, rec.Successor(next), "%s as successor's %s: kept exactly", name, field)
			revokeFamily(t, s, rec.FamilyID, at)
		}
	}

	// Every method, given them as arguments on a store holding one other
	// token, answers without panicking: not found, or an error.
	s = fresh(t)(t)
	other := insert(t, s, newFamily(t, "bob", base))
	for name, x := range hostile {
		assert.NotPanics(t, func() {
			_, found, err := s.Find(bg, x)
			assert.False(t, err == nil && found, "find %s", name)
			rot, err := s.Rotate(bg, x, newNext(t, at), at)
			assert.False(t, err == nil && rot.Outcome != refresh.NotFound, "rotate %s", name)
			found, err = s.RevokeFamily(bg, x, "", at)
			assert.False(t, err == nil && found, "revoke family %s", name)
			found, err = s.RevokeFamily(bg, other.FamilyID, x, at)
			assert.False(t, err == nil && found, "revoke family of subject %s", name)
			n, err := s.RevokeSubject(bg, x, at)
			assert.False(t, err == nil && n > 0, "revoke subject %s", name)
			recs, err := s.LiveTokens(bg, x, at)
			assert.False(t, err == nil && len(recs) > 0, "live tokens %s", name)
		}, name)
	}
	assertStored(t, s, other, "no hostile argument reached another token")
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
	want := newFamily(t, "alice", base)
	idBuf, familyBuf, subjectBuf, hashBuf := []byte(want.ID), []byte(want.FamilyID), []byte(want.Subject), []byte(want.TokenHash)
	borrowed := want
	borrowed.ID, borrowed.FamilyID, borrowed.Subject, borrowed.TokenHash = view(idBuf), view(familyBuf), view(subjectBuf), view(hashBuf)
	require.NoError(t, s.Insert(bg, borrowed))
	scribble(idBuf, familyBuf, subjectBuf, hashBuf)

	at := base.Add(time.Minute)
	assertStored(t, s, want, "the store kept its own copies")
	assert.Equal(t, byHash(want), live(t, s, "alice", at))
	assert.Empty(t, live(t, s, string(subjectBuf), at))
	assertAbsent(t, s, string(hashBuf))

	// A rotation through borrowed strings: the presented hash and the
	// successor's id and hash.
	next := newNext(t, at)
	presentedBuf, nextIDBuf, nextHashBuf := []byte(want.TokenHash), []byte(next.ID), []byte(next.TokenHash)
	borrowedNext := next
	borrowedNext.ID, borrowedNext.TokenHash = view(nextIDBuf), view(nextHashBuf)
	rot, err := s.Rotate(bg, view(presentedBuf), borrowedNext, at)
	require.NoError(t, err)
	require.Equal(t, refresh.Rotated, rot.Outcome)
	scribble(presentedBuf, nextIDBuf, nextHashBuf)
	successor := want.Successor(next)
	assertStored(t, s, used(want, at), "the presented token, marked used")
	assertStored(t, s, successor, "the successor, as copied")
	assert.Equal(t, byHash(successor), live(t, s, "alice", at))

	// Revocations through borrowed strings.
	familyBuf, subjectBuf = []byte(want.FamilyID), []byte(want.Subject)
	found, err := s.RevokeFamily(bg, view(familyBuf), view(subjectBuf), at)
	require.NoError(t, err)
	require.True(t, found)
	scribble(familyBuf, subjectBuf)
	subjectBuf = []byte(want.Subject)
	n, err := s.RevokeSubject(bg, view(subjectBuf), at)
	require.NoError(t, err)
	assert.Zero(t, n)
	scribble(subjectBuf)

	assertStored(t, s, revoked(used(want, at), at))
	assertStored(t, s, revoked(successor, at))
	assertStored(t, open(t), revoked(successor, at), "another handle reads the same")
}
