package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// A stored key is found by its id and by its prefix, on any handle, with
// every field as it was written, to the microsecond.
func testInsertAndFind(t *testing.T, fresh Fresh) {
	tests := []struct {
		name string
		edit func(r *apikey.Record)
	}{
		{"new key", func(*apikey.Record) {}},
		{"expiring", func(r *apikey.Record) { r.ExpiresAt = base.Add(30 * 24 * time.Hour) }},
		{"every time set", func(r *apikey.Record) {
			r.ExpiresAt = base.Add(time.Hour + time.Microsecond)
			r.RevokedAt = base.Add(2 * time.Minute)
			r.LastUsedAt = base.Add(time.Minute + 999999*time.Microsecond)
		}},
		{"times in another zone", func(r *apikey.Record) {
			zone := time.FixedZone("UTC+5", 5*60*60)
			r.CreatedAt = r.CreatedAt.In(zone)
			r.ExpiresAt = base.Add(time.Hour).In(zone)
		}},
		{"longest name", func(r *apikey.Record) { r.Name = strings.Repeat("é", apikey.MaxNameLength) }},
		{"longest owner", func(r *apikey.Record) { r.OwnerID = strings.Repeat("o", apikey.MaxOwnerIDLength) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			rec := newRecord(t, "alice", base)
			tt.edit(&rec)
			insert(t, s, rec)
			assertStored(t, s, rec)
			assertStored(t, open(t), rec, "another handle finds it")
			assert.Equal(t, byID(rec), listed(t, open(t), rec.OwnerID))
		})
	}
}

// Insert refuses a key whose id or prefix is taken, with ErrKeyExists, and
// changes nothing: the stored key stays as it was, the refused one is
// found by none of its fields.
func testInsertRefusesTaken(t *testing.T, fresh Fresh) {
	tests := []struct {
		name string
		edit func(taken apikey.Record, r *apikey.Record)
	}{
		{"same id", func(taken apikey.Record, r *apikey.Record) { r.ID = taken.ID }},
		{"same prefix", func(taken apikey.Record, r *apikey.Record) { r.Prefix = taken.Prefix }},
		{"same id and prefix", func(taken apikey.Record, r *apikey.Record) { r.ID, r.Prefix = taken.ID, taken.Prefix }},
		{"same id, revoked", func(taken apikey.Record, r *apikey.Record) { r.ID, r.RevokedAt = taken.ID, base }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			taken := insert(t, s, newRecord(t, "alice", base))
			refused := newRecord(t, "bob", base.Add(time.Minute))
			tt.edit(taken, &refused)
			err := open(t).Insert(bg, refused)
			assert.ErrorIs(t, err, apikey.ErrKeyExists)
			assertStored(t, s, taken, "the stored key is unchanged")
			if refused.ID != taken.ID {
				_, found := get(t, s, refused.ID)
				assert.False(t, found, "the refused key's id")
			}
			if refused.Prefix != taken.Prefix {
				_, found, err := s.Lookup(bg, refused.Prefix)
				require.NoError(t, err)
				assert.False(t, found, "the refused key's prefix")
			}
			assert.Empty(t, listed(t, s, "bob"), "the refused key is not listed")
			assert.Equal(t, byID(taken), listed(t, s, "alice"))
		})
	}
}

// Not found is not an error, for every method; ids and prefixes compare
// exactly.
func testNotFound(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newRecord(t, "alice", base))
	for _, missing := range []struct{ name, id, prefix string }{
		{"unknown", "key_0000000000000000", "00000000"},
		{"upper case", strings.ToUpper(rec.ID), strings.ToUpper(rec.Prefix)},
		{"trailing space", rec.ID + " ", rec.Prefix + " "},
		{"truncated", rec.ID[:len(rec.ID)-1], rec.Prefix[:len(rec.Prefix)-1]},
		{"swapped", rec.Prefix, rec.ID},
		{"empty", "", ""},
		{"pattern", "key_%", rec.Prefix[:4] + "%"},
	} {
		assertAbsent(t, s, missing.id, missing.prefix, missing.name)
		found, err := s.Revoke(bg, missing.id, base)
		require.NoError(t, err, missing.name)
		assert.False(t, found, "revoke %s", missing.name)
		recorded, err := s.RecordUse(bg, missing.id, base, base.Add(-time.Minute))
		require.NoError(t, err, missing.name)
		assert.False(t, recorded, "record use %s", missing.name)
	}
	for _, owner := range []string{"bob", "Alice", "alice ", "alic", "%", ""} {
		assert.Empty(t, listed(t, s, owner), "list %q", owner)
		n, err := s.RevokeOwner(bg, owner, base)
		require.NoError(t, err, owner)
		assert.Zero(t, n, "revoke owner %q", owner)
	}
	assertStored(t, s, rec, "nothing touched the one key stored")
}

// List returns every key of the owner, revoked and expired ones included,
// and only the owner's.
func testList(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	plain := insert(t, s, newRecord(t, "alice", base))
	expired := newRecord(t, "alice", base.Add(time.Second))
	expired.ExpiresAt = base.Add(time.Minute)
	insert(t, s, expired)
	revoked := insert(t, s, newRecord(t, "alice", base.Add(2*time.Second)))
	found, err := s.Revoke(bg, revoked.ID, base.Add(3*time.Second))
	require.NoError(t, err)
	require.True(t, found)
	revoked.RevokedAt = base.Add(3 * time.Second)
	bob := insert(t, s, newRecord(t, "bob", base))
	lookalike := insert(t, s, newRecord(t, "Alice", base))

	other := open(t)
	assert.Equal(t, byID(plain, expired, revoked), listed(t, other, "alice"))
	assert.Equal(t, byID(bob), listed(t, other, "bob"))
	assert.Equal(t, byID(lookalike), listed(t, other, "Alice"), "owners compare exactly")
	assert.Empty(t, listed(t, other, "carol"))
}

// Revoke sets the revocation time once; later calls find the key and keep
// the first time. Other keys are untouched.
func testRevoke(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newRecord(t, "alice", base))
	sibling := insert(t, s, newRecord(t, "alice", base))
	steps := []struct {
		name string
		at   time.Time
	}{
		{"first revocation", base.Add(time.Minute)},
		{"again, later", base.Add(time.Hour)},
		{"again, earlier", base.Add(time.Second)},
	}
	for _, step := range steps {
		found, err := open(t).Revoke(bg, rec.ID, step.at)
		require.NoError(t, err, step.name)
		assert.True(t, found, step.name)
		want := rec
		want.RevokedAt = steps[0].at
		assertStored(t, s, want, "%s: the first revocation time stays", step.name)
	}
	assertStored(t, s, sibling, "another key of the owner is untouched")

	n, err := s.RevokeOwner(bg, "alice", base.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "only the key not yet revoked")
	got, _ := get(t, s, rec.ID)
	assert.True(t, got.RevokedAt.Equal(steps[0].at), "RevokeOwner keeps an earlier revocation")
}

// RevokeOwner revokes every key of the owner not yet revoked, counts them,
// and leaves other owners' keys alone.
func testRevokeOwner(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	a1 := insert(t, s, newRecord(t, "alice", base))
	a2 := insert(t, s, newRecord(t, "alice", base))
	a3 := insert(t, s, newRecord(t, "alice", base))
	bob := insert(t, s, newRecord(t, "bob", base))
	lookalike := insert(t, s, newRecord(t, "alice ", base))
	early := base.Add(time.Minute)
	found, err := s.Revoke(bg, a3.ID, early)
	require.NoError(t, err)
	require.True(t, found)

	at := base.Add(time.Hour)
	n, err := open(t).RevokeOwner(bg, "alice", at)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	a1.RevokedAt, a2.RevokedAt, a3.RevokedAt = at, at, early
	assert.Equal(t, byID(a1, a2, a3), listed(t, s, "alice"))
	assertStored(t, s, bob, "another owner's key")
	assertStored(t, s, lookalike, "an owner that only looks alike")

	n, err = s.RevokeOwner(bg, "alice", at.Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to revoke")
	assert.Equal(t, byID(a1, a2, a3), listed(t, s, "alice"), "the times stay")
}

// RecordUse writes only over no use, or a use at or before staleAt, and
// reports whether it wrote.
func testRecordUse(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newRecord(t, "alice", base))
	steps := []struct {
		name     string
		at       time.Time
		want     bool
		lastUsed time.Time
	}{
		{"first use", base.Add(time.Minute), true, base.Add(time.Minute)},
		{"within the minute", base.Add(time.Minute + 30*time.Second), false, base.Add(time.Minute)},
		{"a microsecond short of it", base.Add(2*time.Minute - time.Microsecond), false, base.Add(time.Minute)},
		{"a minute later, exactly", base.Add(2 * time.Minute), true, base.Add(2 * time.Minute)},
		{"an hour later", base.Add(time.Hour + 7*time.Microsecond), true, base.Add(time.Hour + 7*time.Microsecond)},
		{"late, at an earlier time", base.Add(30 * time.Minute), false, base.Add(time.Hour + 7*time.Microsecond)},
	}
	for i, step := range steps {
		h := []apikey.Store{s, open(t)}[i%2]
		recorded, err := h.RecordUse(bg, rec.ID, step.at, step.at.Add(-time.Minute))
		require.NoError(t, err, step.name)
		assert.Equal(t, step.want, recorded, step.name)
		want := rec
		want.LastUsedAt = step.lastUsed
		assertStored(t, s, want, step.name)
	}
}

// A store given a done context returns an error and changes nothing.
func testContextDone(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newRecord(t, "alice", base))
	done, cancel := context.WithCancel(bg)
	cancel()

	fresh1 := newRecord(t, "alice", base)
	assert.Error(t, s.Insert(done, fresh1), "Insert")
	_, _, err := s.Lookup(done, rec.Prefix)
	assert.Error(t, err, "Lookup")
	_, _, err = s.Get(done, rec.ID)
	assert.Error(t, err, "Get")
	_, err = s.List(done, "alice")
	assert.Error(t, err, "List")
	_, err = s.Revoke(done, rec.ID, base.Add(time.Minute))
	assert.Error(t, err, "Revoke")
	_, err = s.RevokeOwner(done, "alice", base.Add(time.Minute))
	assert.Error(t, err, "RevokeOwner")
	_, err = s.RecordUse(done, rec.ID, base.Add(time.Minute), base)
	assert.Error(t, err, "RecordUse")

	assertStored(t, s, rec, "nothing changed")
	assertAbsent(t, s, fresh1.ID, fresh1.Prefix, "nothing inserted")
	assert.Equal(t, byID(rec), listed(t, s, "alice"))
}
