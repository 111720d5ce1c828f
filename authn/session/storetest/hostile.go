package storetest

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

// hostile are strings a store may be handed by a caller other than the
// Manager, or by a bug: each must be kept byte for byte or refused with an
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
	"key syntax":          "subject:token:id:alice",
	"glob syntax":         `glob*?[a-z]\`,
	"a space":             " ",
	"SQL":                 "'; DROP TABLE gatehouse_sessions; --",
	"Lua":                 "']) redis.call('DEL', KEYS[1]) --",
}

func testHostileStrings(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	now := base.Add(time.Minute)
	for name, x := range hostile {
		for field, set := range map[string]func(r *session.Record){
			"subject":    func(r *session.Record) { r.Subject = x },
			"id":         func(r *session.Record) { r.ID = x },
			"token hash": func(r *session.Record) { r.TokenHash = x },
			"methods":    func(r *session.Record) { r.Methods = x },
		} {
			rec := newRecord(t, "alice", base)
			set(&rec)
			var err error
			require.NotPanics(t, func() { err = s.Create(bg, rec, idle, "") }, "%s as %s", name, field)
			if err != nil {
				// Refused: nothing may have been written.
				got, found, err := s.Touch(bg, rec.TokenHash, look(now))
				assert.False(t, err == nil && found, "%s as %s: refused, yet stored as %+v", name, field, got)
				recs, err := s.List(bg, rec.Subject, now, idle)
				if err == nil {
					assert.Empty(t, recs, "%s as %s: refused, yet listed", name, field)
				}
				continue
			}
			assertFound(t, s, rec, now, "%s as %s: kept, so kept exactly", name, field)
			assert.Equal(t, byID(rec), listed(t, s, rec.Subject, now), "%s as %s", name, field)
			found, err := s.DestroyByID(bg, rec.Subject, rec.ID)
			require.NoError(t, err, "%s as %s", name, field)
			assert.True(t, found, "%s as %s", name, field)
			assertGone(t, s, rec.TokenHash, now, "%s as %s", name, field)
		}
	}

	// Every method, given them as arguments on an empty store, answers
	// without panicking; not found, or an error.
	for name, x := range hostile {
		assert.NotPanics(t, func() {
			_, found, err := s.Touch(bg, x, use(now))
			assert.False(t, err == nil && found, name)
			_ = s.Destroy(bg, x)
			found, err = s.DestroyByID(bg, x, x)
			assert.False(t, err == nil && found, name)
			_ = s.DestroySubject(bg, x)
			recs, err := s.List(bg, x, now, idle)
			if err == nil {
				assert.Empty(t, recs, name)
			}
			fresh := newRecord(t, "alice", now)
			if err := s.Create(bg, fresh, idle, x); err == nil {
				assertFound(t, s, fresh, now, "%s as the hash to replace", name)
				require.NoError(t, s.Destroy(bg, fresh.TokenHash))
			}
		}, name)
	}
	n, err := s.Cleanup(bg, base.Add(lifetime), idle)
	require.NoError(t, err)
	assert.Zero(t, n, "every session was destroyed")
}

// view returns a string sharing memory with b, as a caller that parses
// requests into a reused buffer might pass, and which must not be kept.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

func testKeepsCopies(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	previous := create(t, s, newRecord(t, "mallory", base))
	want := newRecord(t, "alice", base)

	want.Methods = "pwd otp mfa"
	idBuf, hashBuf, subjectBuf := []byte(want.ID), []byte(want.TokenHash), []byte(want.Subject)
	methodsBuf, replaceBuf := []byte(want.Methods), []byte(previous.TokenHash)
	borrowed := want
	borrowed.ID, borrowed.TokenHash, borrowed.Subject = view(idBuf), view(hashBuf), view(subjectBuf)
	borrowed.Methods = view(methodsBuf)
	require.NoError(t, s.Create(bg, borrowed, idle, view(replaceBuf)))
	// The caller reuses its buffers for the next request.
	for _, b := range [][]byte{idBuf, hashBuf, subjectBuf, methodsBuf, replaceBuf} {
		for i := range b {
			b[i] = 'z'
		}
	}

	now := base.Add(time.Minute)
	assertFound(t, s, want, now, "the store kept its own copies")
	assertGone(t, s, previous.TokenHash, now)
	assert.Equal(t, byID(want), listed(t, s, "alice", now))
	assert.Empty(t, listed(t, s, "zzzzz", now))
	assertGone(t, s, strings.Repeat("z", len(want.TokenHash)), now)

	// A use through borrowed strings, too.
	hashBuf = []byte(want.TokenHash)
	_, found, err := s.Touch(bg, view(hashBuf), use(base.Add(10*time.Minute)))
	require.NoError(t, err)
	require.True(t, found)
	for i := range hashBuf {
		hashBuf[i] = 'z'
	}
	want.LastSeenAt = base.Add(10 * time.Minute)
	assertFound(t, s, want, base.Add(10*time.Minute))
	assertFound(t, open(t), want, base.Add(10*time.Minute), "another handle reads the same")
}
