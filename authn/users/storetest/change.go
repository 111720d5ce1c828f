package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// SetPasswordHash changes the hash and UpdatedAt, nothing else, and only
// of its account.
func testSetPasswordHash(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	rec := create(t, s, newRecord(t, base))
	other := create(t, s, newRecord(t, base))
	for i := range 3 {
		hash, when := newHash(t), base.Add(time.Duration(i+1)*time.Minute)
		found, err := s.SetPasswordHash(bg, rec.ID, hash, when)
		require.NoError(t, err)
		assert.True(t, found)
		rec.PasswordHash, rec.UpdatedAt = hash, when
		assertStored(t, s, rec, "change %d", i)
	}
	// The same hash again is a change like another.
	when := base.Add(time.Hour)
	found, err := s.SetPasswordHash(bg, rec.ID, rec.PasswordHash, when)
	require.NoError(t, err)
	assert.True(t, found)
	rec.UpdatedAt = when
	assertStored(t, s, rec)
	assertStored(t, s, other, "the other account is untouched")
}

// ReplacePasswordHash replaces only the hash it is told is there, and
// leaves UpdatedAt alone: a rehash is no change to the account.
func testReplacePasswordHash(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	rec := create(t, s, newRecord(t, base))
	other := create(t, s, newRecord(t, base))
	other.PasswordHash = rec.PasswordHash
	found, err := s.SetPasswordHash(bg, other.ID, other.PasswordHash, base)
	require.NoError(t, err)
	require.True(t, found)

	stale, rehashed := newHash(t), newHash(t)
	replaced, err := s.ReplacePasswordHash(bg, rec.ID, stale, rehashed)
	require.NoError(t, err)
	assert.False(t, replaced, "not the stored hash")
	assertStored(t, s, rec, "a stale hash replaces nothing")

	replaced, err = s.ReplacePasswordHash(bg, rec.ID, rec.PasswordHash, rehashed)
	require.NoError(t, err)
	assert.True(t, replaced)
	old := rec.PasswordHash
	rec.PasswordHash = rehashed
	assertStored(t, s, rec, "the hash is replaced; UpdatedAt is not")
	assertStored(t, s, other, "the other account with the same hash is untouched")

	replaced, err = s.ReplacePasswordHash(bg, rec.ID, old, newHash(t))
	require.NoError(t, err)
	assert.False(t, replaced, "the old hash is gone")
	replaced, err = s.ReplacePasswordHash(bg, rec.ID, rehashed, rehashed)
	require.NoError(t, err)
	assert.True(t, replaced, "a hash replaced by itself was there")
	replaced, err = s.ReplacePasswordHash(bg, rec.ID, stale, stale)
	require.NoError(t, err)
	assert.False(t, replaced, "a hash replaced by itself that was not there")
	assertStored(t, s, rec)
}

// Locking keeps the first lock's time; unlocking clears it; repeating
// either leaves the account exactly as it is.
func testSetLocked(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	rec := create(t, s, newRecord(t, base))
	verified := base.Add(time.Second)
	found, err := s.MarkEmailVerified(bg, rec.ID, verified)
	require.NoError(t, err)
	require.True(t, found)
	rec.EmailVerifiedAt, rec.UpdatedAt = at(verified), verified

	steps := []struct {
		locked bool
		at     time.Time
		change bool
	}{
		{false, base.Add(1 * time.Minute), false},
		{true, base.Add(2 * time.Minute), true},
		{true, base.Add(3 * time.Minute), false},
		{false, base.Add(4 * time.Minute), true},
		{false, base.Add(5 * time.Minute), false},
		{true, base.Add(6 * time.Minute), true},
	}
	for i, step := range steps {
		found, err := s.SetLocked(bg, rec.ID, step.locked, step.at)
		require.NoError(t, err, "step %d", i)
		assert.True(t, found, "step %d", i)
		if step.change {
			rec.UpdatedAt = step.at
			rec.LockedAt = nil
			if step.locked {
				rec.LockedAt = at(step.at)
			}
		}
		assertStored(t, s, rec, "step %d: locked %v at %v", i, step.locked, step.at)
	}
}

// Verifying keeps the first verification's time, whatever happens after.
func testMarkEmailVerified(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	rec := create(t, s, newRecord(t, base))
	first := base.Add(time.Minute)
	for i, when := range []time.Time{first, base.Add(2 * time.Minute), base.Add(-time.Minute)} {
		found, err := s.MarkEmailVerified(bg, rec.ID, when)
		require.NoError(t, err)
		assert.True(t, found)
		if i == 0 {
			rec.EmailVerifiedAt, rec.UpdatedAt = at(first), first
		}
		assertStored(t, s, rec, "mark %d", i)
	}
	// A locked account is verified as any other.
	locked := create(t, s, newRecord(t, base))
	found, err := s.SetLocked(bg, locked.ID, true, first)
	require.NoError(t, err)
	require.True(t, found)
	found, err = s.MarkEmailVerified(bg, locked.ID, first.Add(time.Minute))
	require.NoError(t, err)
	require.True(t, found)
	locked.LockedAt, locked.EmailVerifiedAt, locked.UpdatedAt = at(first), at(first.Add(time.Minute)), first.Add(time.Minute)
	assertStored(t, s, locked)
}

// Delete removes one account, once, and frees its email for a new one.
func testDelete(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	rec := create(t, s, newRecord(t, base))
	other := create(t, s, newRecord(t, base))

	found, err := s.Delete(bg, rec.ID)
	require.NoError(t, err)
	assert.True(t, found)
	assertAbsent(t, s, rec.ID, rec.Email)
	found, err = s.Delete(bg, rec.ID)
	require.NoError(t, err)
	assert.False(t, found, "a second delete finds nothing")
	assert.Equal(t, byID(other), listed(t, s))

	again := newRecord(t, base.Add(time.Minute))
	again.Email = rec.Email
	create(t, s, again)
	assertStored(t, s, again, "the email is free again")
	reused := newRecord(t, base.Add(time.Minute))
	reused.ID = rec.ID
	create(t, s, reused)
	assertStored(t, s, reused, "and so is the id")
	assert.Equal(t, int64(3), count(t, s))
}

// Two handles on one backend, as two processes or one before and after a
// restart have, see each other's writes, whichever writes.
func testSecondHandle(t *testing.T, fresh Fresh) {
	open := fresh(t)
	first, second := open(t), open(t)
	rec := create(t, first, newRecord(t, base))
	assertStored(t, second, rec, "the second handle finds the first's account")

	err := second.Create(bg, users.Record{User: users.User{ID: "usr_second", Email: rec.Email, CreatedAt: base, UpdatedAt: base}, PasswordHash: newHash(t)})
	assert.ErrorIs(t, err, users.ErrEmailTaken, "the second handle knows the email is taken")

	when := base.Add(time.Minute)
	found, err := second.SetLocked(bg, rec.ID, true, when)
	require.NoError(t, err)
	require.True(t, found)
	rec.LockedAt, rec.UpdatedAt = at(when), when
	assertStored(t, first, rec, "the first handle sees the second's lock")

	found, err = first.Delete(bg, rec.ID)
	require.NoError(t, err)
	require.True(t, found)
	assertAbsent(t, second, rec.ID, rec.Email, "the second handle sees the delete")
	assertAbsent(t, open(t), rec.ID, rec.Email, "and so does a third")
}

// A call whose context is done fails with the context's error and changes
// nothing.
func testContextDone(t *testing.T, fresh Fresh) {
	s := fresh(t)(t)
	rec := create(t, s, newRecord(t, base))
	done, cancel := context.WithCancel(bg)
	cancel()
	later := base.Add(time.Minute)
	fresher := newRecord(t, base)
	calls := map[string]func() error{
		"Create": func() error { return s.Create(done, fresher) },
		"Get":    func() error { _, _, err := s.Get(done, rec.ID); return err },
		"GetByEmail": func() error {
			_, _, err := s.GetByEmail(done, rec.Email)
			return err
		},
		"List":                func() error { _, err := s.List(done); return err },
		"Count":               func() error { _, err := s.Count(done); return err },
		"SetPasswordHash":     func() error { _, err := s.SetPasswordHash(done, rec.ID, newHash(t), later); return err },
		"ReplacePasswordHash": func() error { _, err := s.ReplacePasswordHash(done, rec.ID, rec.PasswordHash, newHash(t)); return err },
		"SetLocked":           func() error { _, err := s.SetLocked(done, rec.ID, true, later); return err },
		"MarkEmailVerified":   func() error { _, err := s.MarkEmailVerified(done, rec.ID, later); return err },
		"Delete":              func() error { _, err := s.Delete(done, rec.ID); return err },
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), context.Canceled, name)
	}
	assert.Equal(t, byID(rec), listed(t, s), "nothing changed")
}
