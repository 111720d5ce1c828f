package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// An account is found as it was stored, by id and by email, whether or not
// its optional times are set.
func testCreateAndGet(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	plain := newRecord(t, base)
	full := newRecord(t, base)
	full.Name = "Zoë 山田 \U0001F469\u200d\U0001F467"
	full.UpdatedAt = base.Add(time.Hour)
	full.EmailVerifiedAt = at(base.Add(time.Minute))
	full.LockedAt = at(base.Add(time.Hour))
	for name, rec := range map[string]users.Record{"plain": plain, "every field set": full} {
		create(t, s, rec)
		assertStored(t, s, rec, name)
		got, _ := get(t, s, rec.ID)
		assert.Equal(t, rec.Verified(), got.Verified(), name)
		assert.Equal(t, rec.Locked(), got.Locked(), name)
	}
	assert.Equal(t, int64(2), count(t, s))
}

// Unknown ids and emails are not found, and not errors; changes to them
// report false and create nothing.
func testNotFound(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	held := create(t, s, newRecord(t, base))
	const id = "usr_00000000000000000000000000000000"
	for _, x := range []string{id, "", "nobody@example.com", held.ID + "x", held.Email + "x"} {
		assertAbsent(t, s, x, x, "%q", x)
	}
	later := base.Add(time.Minute)
	tests := []struct {
		name string
		call func() (bool, error)
	}{
		{"SetPasswordHash", func() (bool, error) { return s.SetPasswordHash(bg, id, newHash(t), later) }},
		{"ReplacePasswordHash", func() (bool, error) { return s.ReplacePasswordHash(bg, id, held.PasswordHash, newHash(t)) }},
		{"SetLocked true", func() (bool, error) { return s.SetLocked(bg, id, true, later) }},
		{"SetLocked false", func() (bool, error) { return s.SetLocked(bg, id, false, later) }},
		{"MarkEmailVerified", func() (bool, error) { return s.MarkEmailVerified(bg, id, later) }},
		{"Delete", func() (bool, error) { return s.Delete(bg, id) }},
	}
	for _, tt := range tests {
		found, err := tt.call()
		require.NoError(t, err, tt.name)
		assert.False(t, found, tt.name)
	}
	assert.Equal(t, byID(held), listed(t, s), "the misses created nothing and changed nothing")
	assert.Equal(t, int64(1), count(t, s))
}

// A taken email is ErrEmailTaken; a taken id another error; and a refused
// Create writes nothing.
func testCreateRefusesTaken(t *testing.T, fresh Fresh) {
	tests := []struct {
		name      string
		change    func(held, rec *users.Record)
		wantTaken bool
	}{
		{"email", func(held, rec *users.Record) { rec.Email = held.Email }, true},
		{"id", func(held, rec *users.Record) { rec.ID = held.ID }, false},
		{"id and email", func(held, rec *users.Record) { rec.ID, rec.Email = held.ID, held.Email }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := fresh(t)(t)
			held := create(t, s, newRecord(t, base))
			rec := newRecord(t, base.Add(time.Minute))
			rec.Name = "Impostor"
			tt.change(&held, &rec)
			err := s.Create(bg, rec)
			require.Error(t, err)
			if tt.wantTaken {
				assert.ErrorIs(t, err, users.ErrEmailTaken)
			} else {
				assert.NotErrorIs(t, err, users.ErrEmailTaken)
			}
			assertStored(t, s, held, "the first account is untouched")
			if rec.ID != held.ID {
				assertAbsent(t, s, rec.ID, "", "the refused id")
			}
			if rec.Email != held.Email {
				assertAbsent(t, s, "", rec.Email, "the refused email")
			}
			assert.Equal(t, int64(1), count(t, s))
		})
	}
}

// Ids and emails are distinct whenever their bytes are: the Directory
// normalizes emails itself, and a backend that folded case, accents or
// trailing spaces would give one person's account to another.
func testComparesExactly(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	emails := []string{"bob@example.com", "Bob@example.com", "BOB@EXAMPLE.COM", "bob@exámple.com", "böb@example.com",
		"bob@example.com ", " bob@example.com", "bob@example.co", "bob@example.com\t"}
	ids := []string{"usr_a", "usr_A", "usr_á", "usr_a ", "usr_ä"}
	var recs []users.Record
	for i, email := range emails {
		rec := newRecord(t, base)
		rec.Email = email
		if i < len(ids) {
			rec.ID = ids[i]
		}
		require.NoError(t, s.Create(bg, rec), "%q is an email of its own, %q an id", email, rec.ID)
		recs = append(recs, rec)
	}
	for _, rec := range recs {
		assertStored(t, s, rec, "%q matches only itself", rec.Email)
	}
	assert.Equal(t, byID(recs...), listed(t, s))
	for _, rec := range recs[:len(ids)] {
		found, err := s.Delete(bg, rec.ID)
		require.NoError(t, err)
		assert.True(t, found, rec.ID)
	}
	assert.Equal(t, byID(recs[len(ids):]...), listed(t, s), "each delete removed only its own id")
}

// The store keeps the times it is given, whatever its own clock says and
// whatever their location, to the microsecond; it sets none itself.
func testTimesAreTheCallers(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	for _, start := range []time.Time{
		time.Date(2001, 3, 4, 5, 6, 7, 1000, time.UTC),
		time.Date(2150, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Date(2030, 6, 1, 12, 0, 0, 123456000, time.FixedZone("UTC+5", 5*3600)),
		time.Date(1999, 12, 31, 23, 59, 59, 0, time.FixedZone("UTC-8", -8*3600)),
	} {
		name := start.Format(time.RFC3339Nano)
		rec := newRecord(t, start)
		rec.UpdatedAt = start.Add(time.Microsecond)
		create(t, s, rec)
		assertStored(t, s, rec, "%s: created", name)

		later := start.Add(-time.Hour) // a clock that went back is the caller's business
		found, err := s.SetLocked(bg, rec.ID, true, later)
		require.NoError(t, err)
		require.True(t, found)
		rec.LockedAt, rec.UpdatedAt = at(later), later
		assertStored(t, s, rec, "%s: locked", name)

		verified := start.Add(48 * time.Hour)
		found, err = s.MarkEmailVerified(bg, rec.ID, verified)
		require.NoError(t, err)
		require.True(t, found)
		rec.EmailVerifiedAt, rec.UpdatedAt = at(verified), verified
		assertStored(t, s, rec, "%s: verified", name)

		hash := newHash(t)
		found, err = s.SetPasswordHash(bg, rec.ID, hash, start)
		require.NoError(t, err)
		require.True(t, found)
		rec.PasswordHash, rec.UpdatedAt = hash, start
		assertStored(t, s, rec, "%s: new password", name)
	}
}

// List returns every account once, Count counts them; an empty store has
// none.
func testListAndCount(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	assert.Empty(t, listed(t, s))
	assert.Zero(t, count(t, s))
	var recs []users.Record
	for i := range 7 {
		// Some at one instant, some out of order: the store may list them
		// in any order.
		recs = append(recs, create(t, s, newRecord(t, base.Add(time.Duration(i%3)*time.Minute))))
	}
	assert.Equal(t, byID(recs...), listed(t, s))
	assert.Equal(t, int64(7), count(t, s))

	list, err := s.List(bg)
	require.NoError(t, err)
	list[0].Name = "changed by the caller"
	list[0].LockedAt = at(base)
	assert.Equal(t, byID(recs...), listed(t, s), "the list returned is the caller's")
}

// Accounts without an email or a password, as RegisterExternal creates
// them: any number may have none, GetByEmail("") finds none, and deleting
// one leaves the others.
func testWithoutEmail(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	held := create(t, s, newRecord(t, base))
	var bare []users.Record
	for i := range 3 {
		rec := newRecord(t, base.Add(time.Duration(i)*time.Minute))
		rec.Email, rec.PasswordHash = "", ""
		bare = append(bare, create(t, s, rec))
		assertStored(t, s, rec)
	}
	_, found, err := s.GetByEmail(bg, "")
	require.NoError(t, err)
	assert.False(t, found, "no account has the email \"\"")
	assert.Equal(t, byID(held, bare[0], bare[1], bare[2]), listed(t, s))

	found, err = s.Delete(bg, bare[1].ID)
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, byID(held, bare[0], bare[2]), listed(t, s))
	found, err = s.MarkEmailVerified(bg, bare[0].ID, base.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, found)
	got, _ := get(t, s, bare[0].ID)
	assert.Equal(t, "", got.Email)
}
