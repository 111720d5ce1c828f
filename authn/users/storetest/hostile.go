package storetest

import (
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// hostile are strings a store may be handed by a caller other than the
// Directory, or by a bug: each must be kept byte for byte or refused with
// an error.
var hostile = map[string]string{
	"just over 36 bytes":  strings.Repeat("i", 37),
	"just over 254 bytes": strings.Repeat("e", 255),
	"just over 400 bytes": strings.Repeat("n", 401),
	"10 kB":               strings.Repeat("long-", 2000),
	"NUL inside":          "nul\x00inside",
	"NUL only":            "\x00",
	"invalid UTF-8":       "bad\xff\xfeutf8",
	"lone continuation":   "\x80",
	"four-byte UTF-8":     "key \U0001F511",
	"line breaks":         "line\nbreak\r\n",
	"trailing space":      "trailing ",
	"a space":             " ",
	"quotes":              `'"` + "`",
	"SQL":                 "'; DROP TABLE gatehouse_users; --",
	"LIKE syntax":         `%_\`,
}

func testHostileStrings(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	for name, x := range hostile {
		for field, set := range map[string]func(r *users.Record){
			"id":            func(r *users.Record) { r.ID = x },
			"email":         func(r *users.Record) { r.Email = x },
			"name":          func(r *users.Record) { r.Name = x },
			"password hash": func(r *users.Record) { r.PasswordHash = x },
		} {
			rec := newRecord(t, base)
			set(&rec)
			var err error
			require.NotPanics(t, func() { err = s.Create(bg, rec) }, "%s as %s", name, field)
			if err != nil {
				// Refused: nothing may have been written.
				for _, lookup := range []func() (users.Record, bool, error){
					func() (users.Record, bool, error) { return s.Get(bg, rec.ID) },
					func() (users.Record, bool, error) { return s.GetByEmail(bg, rec.Email) },
				} {
					got, found, err := lookup()
					assert.False(t, err == nil && found, "%s as %s: refused, yet stored as %+v", name, field, got)
				}
				assert.Zero(t, count(t, s), "%s as %s: refused, yet counted", name, field)
				continue
			}
			assertStored(t, s, rec, "%s as %s: kept, so kept exactly", name, field)
			assert.Equal(t, byID(rec), listed(t, s), "%s as %s", name, field)
			when := base.Add(time.Minute)
			found, err := s.SetLocked(bg, rec.ID, true, when)
			require.NoError(t, err, "%s as %s", name, field)
			assert.True(t, found, "%s as %s", name, field)
			rec.LockedAt, rec.UpdatedAt = at(when), when
			assertStored(t, s, rec, "%s as %s: locked", name, field)
			found, err = s.Delete(bg, rec.ID)
			require.NoError(t, err, "%s as %s", name, field)
			assert.True(t, found, "%s as %s", name, field)
			assertAbsent(t, s, rec.ID, rec.Email, "%s as %s", name, field)
		}
	}

	// Every method, given them as arguments, answers without panicking:
	// not found, or an error; and changes nothing of the one account
	// there is.
	held := create(t, s, newRecord(t, base))
	for name, x := range hostile {
		assert.NotPanics(t, func() {
			_, found, err := s.Get(bg, x)
			assert.False(t, err == nil && found, name)
			_, found, err = s.GetByEmail(bg, x)
			assert.False(t, err == nil && found, name)
			when := base.Add(time.Hour)
			found, err = s.SetPasswordHash(bg, x, x, when)
			assert.False(t, err == nil && found, name)
			found, err = s.ReplacePasswordHash(bg, x, held.PasswordHash, x)
			assert.False(t, err == nil && found, name)
			found, err = s.SetLocked(bg, x, true, when)
			assert.False(t, err == nil && found, name)
			found, err = s.MarkEmailVerified(bg, x, when)
			assert.False(t, err == nil && found, name)
			found, err = s.Delete(bg, x)
			assert.False(t, err == nil && found, name)

			// As the new hash of a real account: kept exactly, or refused
			// and the old one kept.
			replaced, err := s.ReplacePasswordHash(bg, held.ID, held.PasswordHash, x)
			if err == nil && replaced {
				got, _ := get(t, s, held.ID)
				assert.Equal(t, x, got.PasswordHash, name)
				replaced, err = s.ReplacePasswordHash(bg, held.ID, x, held.PasswordHash)
				require.NoError(t, err, name)
				require.True(t, replaced, name)
			}
		}, name)
	}
	assert.Equal(t, byID(held), listed(t, s))
}

// view returns a string sharing memory with b, as a caller that parses
// requests into a reused buffer might pass, and which must not be kept.
func view(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// scribble overwrites every byte of bufs, as the caller's next request
// would.
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
	want := newRecord(t, base)
	want.EmailVerifiedAt = at(base.Add(time.Minute))
	want.LockedAt = at(base.Add(30 * time.Second))

	idBuf, emailBuf, nameBuf, hashBuf := []byte(want.ID), []byte(want.Email), []byte(want.Name), []byte(want.PasswordHash)
	verified, locked := *want.EmailVerifiedAt, *want.LockedAt
	borrowed := want
	borrowed.ID, borrowed.Email, borrowed.Name, borrowed.PasswordHash = view(idBuf), view(emailBuf), view(nameBuf), view(hashBuf)
	borrowed.EmailVerifiedAt, borrowed.LockedAt = &verified, &locked
	require.NoError(t, s.Create(bg, borrowed))
	scribble(idBuf, emailBuf, nameBuf, hashBuf)
	verified, locked = base.Add(99*time.Hour), base.Add(99*time.Hour)

	assertStored(t, s, want, "the store kept its own copies")
	assert.Equal(t, byID(want), listed(t, s))
	assertAbsent(t, s, strings.Repeat("z", len(want.ID)), strings.Repeat("z", len(want.Email)))

	// Changes through borrowed strings, too.
	idBuf, hashBuf = []byte(want.ID), []byte(newHash(t))
	when := base.Add(2 * time.Minute)
	found, err := s.SetPasswordHash(bg, view(idBuf), view(hashBuf), when)
	require.NoError(t, err)
	require.True(t, found)
	want.PasswordHash, want.UpdatedAt = string(hashBuf), when
	scribble(idBuf, hashBuf)
	assertStored(t, s, want, "SetPasswordHash kept copies")

	idBuf, oldBuf, newBuf := []byte(want.ID), []byte(want.PasswordHash), []byte(newHash(t))
	replaced, err := s.ReplacePasswordHash(bg, view(idBuf), view(oldBuf), view(newBuf))
	require.NoError(t, err)
	require.True(t, replaced)
	want.PasswordHash = string(newBuf)
	scribble(idBuf, oldBuf, newBuf)
	assertStored(t, s, want, "ReplacePasswordHash kept copies")

	idBuf = []byte(want.ID)
	unlocked := base.Add(3 * time.Minute)
	found, err = s.SetLocked(bg, view(idBuf), false, unlocked)
	require.NoError(t, err)
	require.True(t, found)
	want.LockedAt, want.UpdatedAt = nil, unlocked
	scribble(idBuf)
	assertStored(t, s, want, "SetLocked kept copies")
	idBuf = []byte(want.ID)
	relocked := base.Add(4 * time.Minute)
	found, err = s.SetLocked(bg, view(idBuf), true, relocked)
	require.NoError(t, err)
	require.True(t, found)
	want.LockedAt, want.UpdatedAt = at(relocked), relocked
	scribble(idBuf)
	assertStored(t, s, want, "SetLocked kept copies")

	emailBuf = []byte(want.Email)
	_, found, err = s.GetByEmail(bg, view(emailBuf))
	require.NoError(t, err)
	require.True(t, found)
	scribble(emailBuf)
	assertStored(t, s, want, "a lookup keeps nothing of its argument")

	// What the store hands out is the caller's to change.
	got, _ := get(t, s, want.ID)
	*got.LockedAt = base.Add(77 * time.Hour)
	*got.EmailVerifiedAt = base.Add(77 * time.Hour)
	got.Name = "changed by the caller"
	assertStored(t, s, want, "changing what Get returned changes nothing stored")
	assertStored(t, open(t), want, "another handle reads the same")
}
