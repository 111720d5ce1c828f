package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// A stored token is found by its hash, on any handle, with every field as
// it was written, to the microsecond.
func testInsertAndFind(t *testing.T, fresh Fresh) {
	tests := []struct {
		name string
		edit func(r *refresh.Record)
	}{
		{"first token of a family", func(*refresh.Record) {}},
		{"login time unknown", func(r *refresh.Record) { r.LoginAt = time.Time{} }},
		{"every time set", func(r *refresh.Record) {
			r.UsedAt = base.Add(time.Minute + time.Microsecond)
			r.RevokedAt = base.Add(2*time.Minute + 999999*time.Microsecond)
		}},
		{"times in another zone", func(r *refresh.Record) {
			zone := time.FixedZone("UTC-7", -7*60*60)
			r.CreatedAt, r.ExpiresAt, r.LoginAt = r.CreatedAt.In(zone), r.ExpiresAt.In(zone), r.LoginAt.In(zone)
		}},
		{"longest subject", func(r *refresh.Record) { r.Subject = strings.Repeat("s", refresh.MaxSubjectLength) }},
		{"a login with a second factor", func(r *refresh.Record) { r.Methods = "pwd otp mfa" }},
		{"methods unknown", func(r *refresh.Record) { r.Methods = "" }},
		{"longest methods", func(r *refresh.Record) {
			r.Methods = strings.TrimSpace(strings.Repeat(strings.Repeat("m", 16)+" ", 8))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			rec := newFamily(t, "alice", base)
			tt.edit(&rec)
			insert(t, s, rec)
			assertStored(t, s, rec)
			assertStored(t, open(t), rec, "another handle finds it")
		})
	}
}

// Insert refuses a token whose id or hash is taken, with ErrTokenExists,
// and changes nothing.
func testInsertRefusesTaken(t *testing.T, fresh Fresh) {
	tests := []struct {
		name string
		edit func(taken refresh.Record, r *refresh.Record)
	}{
		{"same id", func(taken refresh.Record, r *refresh.Record) { r.ID = taken.ID }},
		{"same hash", func(taken refresh.Record, r *refresh.Record) { r.TokenHash = taken.TokenHash }},
		{"same id and hash", func(taken refresh.Record, r *refresh.Record) { r.ID, r.TokenHash = taken.ID, taken.TokenHash }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			taken := insert(t, s, newFamily(t, "alice", base))
			refused := newFamily(t, "bob", base.Add(time.Minute))
			tt.edit(taken, &refused)
			assert.ErrorIs(t, open(t).Insert(bg, refused), refresh.ErrTokenExists)
			assertStored(t, s, taken, "the stored token is unchanged")
			if refused.TokenHash != taken.TokenHash {
				assertAbsent(t, s, refused.TokenHash, "the refused token")
			}
			assert.Empty(t, live(t, s, "bob", base.Add(time.Minute)), "the refused token is not live")
			found, err := s.RevokeFamily(bg, refused.FamilyID, "", base)
			require.NoError(t, err)
			assert.False(t, found, "the refused token's family is not stored")
		})
	}
}

// Not found is not an error, for every method; hashes, family ids and
// subjects compare exactly.
func testNotFound(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newFamily(t, "alice", base))
	now := base.Add(time.Minute)
	for _, missing := range []struct{ name, hash, family string }{
		{"unknown", strings.Repeat("0", 64), strings.Repeat("0", 32)},
		{"upper case", strings.ToUpper(rec.TokenHash), strings.ToUpper(rec.FamilyID)},
		{"trailing space", rec.TokenHash + " ", rec.FamilyID + " "},
		{"truncated", rec.TokenHash[:63], rec.FamilyID[:31]},
		{"swapped", rec.FamilyID, rec.TokenHash},
		{"the id", rec.ID, rec.ID},
		{"empty", "", ""},
		{"pattern", rec.TokenHash[:10] + "%", rec.FamilyID[:10] + "%"},
	} {
		assertAbsent(t, s, missing.hash, missing.name)
		next := newNext(t, now)
		rot, err := s.Rotate(bg, missing.hash, next, now)
		require.NoError(t, err, missing.name)
		assert.Equal(t, refresh.Rotation{Outcome: refresh.NotFound}, rot, "rotate %s", missing.name)
		assertAbsent(t, s, next.TokenHash, "rotate %s stored no successor", missing.name)
		found, err := s.RevokeFamily(bg, missing.family, "", now)
		require.NoError(t, err, missing.name)
		assert.False(t, found, "revoke family %s", missing.name)
	}
	found, err := s.RevokeFamily(bg, rec.FamilyID, "bob", now)
	require.NoError(t, err)
	assert.False(t, found, "another subject's family is not found")
	for _, subject := range []string{"bob", "Alice", "alice ", "alic", "%", ""} {
		assert.Empty(t, live(t, s, subject, now), "live tokens of %q", subject)
		n, err := s.RevokeSubject(bg, subject, now)
		require.NoError(t, err, subject)
		assert.Zero(t, n, "revoke subject %q", subject)
	}
	assertStored(t, s, rec, "nothing touched the one token stored")
	assert.Equal(t, byHash(rec), live(t, s, "alice", now))
}

// A live token rotates: it is marked used at the time given, and its
// successor, built by Record.Successor whatever else next carries, is
// stored and found on any handle.
func testRotate(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	first := insert(t, s, newFamily(t, "alice", base))
	other := insert(t, s, newFamily(t, "alice", base))

	at := base.Add(10 * time.Minute)
	next := newNext(t, at)
	// What is not next's own is the family's, whatever next says.
	noise := next
	noise.FamilyID, noise.Subject, noise.LoginAt = "family-of-noise", "mallory", base.Add(-time.Hour)
	noise.Methods = "hwk mfa"
	noise.FamilyExpiresAt, noise.UsedAt, noise.RevokedAt = base.Add(365*24*time.Hour), at, at
	rot, err := open(t).Rotate(bg, first.TokenHash, noise, at)
	require.NoError(t, err)
	want := refresh.Rotation{Outcome: refresh.Rotated, Presented: first, Next: first.Successor(next)}
	assert.Equal(t, normalRotation(want), normalRotation(rot))
	assert.Equal(t, first.FamilyID, rot.Next.FamilyID)
	assert.Equal(t, at.Add(ttl), rot.Next.ExpiresAt.UTC())
	assertStored(t, s, used(first, at), "the presented token is used")
	assertStored(t, s, want.Next, "the successor is stored")
	assert.Equal(t, byHash(want.Next, other), live(t, open(t), "alice", at), "only the newest token of a family is live")

	// A chain: the successor rotates in its turn.
	second := want.Next
	at2 := at.Add(20 * time.Minute)
	rot = rotate(t, s, second.TokenHash, at2)
	require.Equal(t, refresh.Rotated, rot.Outcome)
	assert.True(t, rot.Next.LoginAt.Equal(first.LoginAt), "every token of the family says when its login was")
	assert.Equal(t, first.Methods, rot.Next.Methods, "and how it was made")
	assertStored(t, s, used(second, at2))
	assertStored(t, s, rot.Next)

	// A successor whose TTL would outlive its family ends with it.
	short := newFamily(t, "bob", base)
	short.FamilyExpiresAt = base.Add(30 * time.Minute)
	insert(t, s, short)
	rot = rotate(t, s, short.TokenHash, at)
	require.Equal(t, refresh.Rotated, rot.Outcome)
	assert.True(t, rot.Next.ExpiresAt.Equal(short.FamilyExpiresAt), "the successor ends with its family: %v", rot.Next.ExpiresAt)
	assertStored(t, s, rot.Next)
}

// Rotate's refusals, in their order: revoked before used, reuse found even
// after expiry (and revoking the family), expiry at its instant.
func testRotateRefuses(t *testing.T, fresh Fresh) {
	tests := []struct {
		name string
		// prepare stores a family and returns the token to present, the
		// time to present it at, and the family's tokens.
		prepare func(t *testing.T, s refresh.Store) (present refresh.Record, at time.Time, family []refresh.Record)
		want    refresh.Outcome
	}{
		{"revoked", func(t *testing.T, s refresh.Store) (refresh.Record, time.Time, []refresh.Record) {
			rec := insert(t, s, newFamily(t, "alice", base))
			revokeFamily(t, s, rec.FamilyID, base.Add(time.Minute))
			return revoked(rec, base.Add(time.Minute)), base.Add(2 * time.Minute), nil
		}, refresh.Revoked},
		{"used", func(t *testing.T, s refresh.Store) (refresh.Record, time.Time, []refresh.Record) {
			rec := insert(t, s, newFamily(t, "alice", base))
			next := mustRotate(t, s, rec, base.Add(time.Minute))
			return used(rec, base.Add(time.Minute)), base.Add(2 * time.Minute), []refresh.Record{next}
		}, refresh.Reused},
		{"used long ago, since expired", func(t *testing.T, s refresh.Store) (refresh.Record, time.Time, []refresh.Record) {
			rec := insert(t, s, newFamily(t, "alice", base))
			next := mustRotate(t, s, rec, base.Add(time.Minute))
			next2 := mustRotate(t, s, next, base.Add(50*time.Minute))
			return used(rec, base.Add(time.Minute)), base.Add(familyLife + time.Hour), []refresh.Record{used(next, base.Add(50*time.Minute)), next2}
		}, refresh.Reused},
		{"used, then revoked", func(t *testing.T, s refresh.Store) (refresh.Record, time.Time, []refresh.Record) {
			rec := insert(t, s, newFamily(t, "alice", base))
			mustRotate(t, s, rec, base.Add(time.Minute))
			revokeFamily(t, s, rec.FamilyID, base.Add(2*time.Minute))
			return revoked(used(rec, base.Add(time.Minute)), base.Add(2*time.Minute)), base.Add(3 * time.Minute), nil
		}, refresh.Revoked},
		{"expired at its instant", func(t *testing.T, s refresh.Store) (refresh.Record, time.Time, []refresh.Record) {
			rec := insert(t, s, newFamily(t, "alice", base))
			return rec, rec.ExpiresAt, nil
		}, refresh.Expired},
		{"a microsecond before its expiry", func(t *testing.T, s refresh.Store) (refresh.Record, time.Time, []refresh.Record) {
			rec := insert(t, s, newFamily(t, "alice", base))
			return rec, rec.ExpiresAt.Add(-time.Microsecond), nil
		}, refresh.Rotated},
		{"family ended at its instant", func(t *testing.T, s refresh.Store) (refresh.Record, time.Time, []refresh.Record) {
			rec := newFamily(t, "alice", base)
			rec.FamilyExpiresAt = base.Add(30 * time.Minute) // before the token's own expiry
			insert(t, s, rec)
			return rec, rec.FamilyExpiresAt, nil
		}, refresh.Expired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			present, at, family := tt.prepare(t, s)
			bystander := insert(t, s, newFamily(t, "alice", base))
			next := newNext(t, at)
			rot, err := open(t).Rotate(bg, present.TokenHash, next, at)
			require.NoError(t, err)
			require.Equal(t, tt.want, rot.Outcome)
			assert.Equal(t, normal(present), normal(rot.Presented), "the token as found")

			switch tt.want {
			case refresh.Rotated:
				assertStored(t, s, used(present, at))
				assertStored(t, s, present.Successor(next))
				return
			case refresh.Reused:
				assertStored(t, s, revoked(present, at), "the reused token is revoked")
				for i, rec := range family {
					assertStored(t, s, revoked(rec, at), "token %d of the family is revoked", i)
				}
			default:
				assertStored(t, s, present, "nothing changed")
			}
			assert.Zero(t, rot.Next, "no successor")
			assertAbsent(t, s, next.TokenHash, "no successor stored")
			assertStored(t, s, bystander, "another family is untouched")
		})
	}

	// A successor whose id or hash is taken: nothing changes.
	for _, field := range []string{"id", "hash"} {
		t.Run("successor's "+field+" taken", func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			rec := insert(t, s, newFamily(t, "alice", base))
			taken := insert(t, s, newFamily(t, "bob", base))
			next := newNext(t, base.Add(time.Minute))
			if field == "id" {
				next.ID = taken.ID
			} else {
				next.TokenHash = taken.TokenHash
			}
			_, err := s.Rotate(bg, rec.TokenHash, next, base.Add(time.Minute))
			assert.ErrorIs(t, err, refresh.ErrTokenExists)
			assertStored(t, s, rec, "the presented token is not spent")
			assertStored(t, s, taken)
			assert.Equal(t, byHash(rec), live(t, s, "alice", base.Add(time.Minute)))
		})
	}
}

// revokeFamily revokes the family at at and requires that it is found.
func revokeFamily(t *testing.T, s refresh.Store, familyID string, at time.Time) {
	t.Helper()
	found, err := s.RevokeFamily(bg, familyID, "", at)
	require.NoError(t, err)
	require.True(t, found, "family %s", familyID)
}

// RevokeFamily revokes every token of the family, keeps earlier
// revocation times, and leaves other families, and families of another
// subject than the one named, alone.
func testRevokeFamily(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	a1 := insert(t, s, newFamily(t, "alice", base))
	a2 := mustRotate(t, s, a1, base.Add(time.Minute))
	a3 := mustRotate(t, s, a2, base.Add(2*time.Minute))
	a1, a2 = used(a1, base.Add(time.Minute)), used(a2, base.Add(2*time.Minute))
	b := insert(t, s, newFamily(t, "alice", base))
	c := insert(t, s, newFamily(t, "bob", base))

	at := base.Add(time.Hour)
	found, err := open(t).RevokeFamily(bg, a1.FamilyID, "", at)
	require.NoError(t, err)
	assert.True(t, found)
	for i, rec := range []refresh.Record{a1, a2, a3} {
		assertStored(t, s, revoked(rec, at), "token %d of the family", i)
	}
	assertStored(t, s, b, "another family of the subject")
	assertStored(t, s, c, "another subject's family")

	found, err = s.RevokeFamily(bg, a1.FamilyID, "", at.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, found, "a revoked family is still found")
	assertStored(t, s, revoked(a3, at), "the first revocation time stays")

	found, err = s.RevokeFamily(bg, b.FamilyID, "bob", at)
	require.NoError(t, err)
	assert.False(t, found, "a family of another subject than the one named")
	assertStored(t, s, b, "is left alone")
	found, err = s.RevokeFamily(bg, b.FamilyID, "alice", at)
	require.NoError(t, err)
	assert.True(t, found, "the subject's own family")
	assertStored(t, s, revoked(b, at))
	assertStored(t, s, c)
}

// RevokeSubject revokes every token of the subject not yet revoked, counts
// them, keeps earlier times, and leaves other subjects alone.
func testRevokeSubject(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	a1 := insert(t, s, newFamily(t, "alice", base))
	a2 := mustRotate(t, s, a1, base.Add(time.Minute))
	a1 = used(a1, base.Add(time.Minute))
	b := insert(t, s, newFamily(t, "alice", base))
	early := insert(t, s, newFamily(t, "alice", base))
	revokeFamily(t, s, early.FamilyID, base.Add(2*time.Minute))
	bob := insert(t, s, newFamily(t, "bob", base))
	lookalike := insert(t, s, newFamily(t, "Alice", base))

	at := base.Add(time.Hour)
	n, err := open(t).RevokeSubject(bg, "alice", at)
	require.NoError(t, err)
	assert.Equal(t, int64(3), n, "every token not revoked before")
	for i, rec := range []refresh.Record{a1, a2, b} {
		assertStored(t, s, revoked(rec, at), "token %d", i)
	}
	assertStored(t, s, revoked(early, base.Add(2*time.Minute)), "an earlier revocation keeps its time")
	assertStored(t, s, bob, "another subject")
	assertStored(t, s, lookalike, "a subject that only looks alike")

	n, err = s.RevokeSubject(bg, "alice", at.Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to revoke")
	assertStored(t, s, revoked(b, at), "the times stay")
}

// LiveTokens returns the tokens that can be rotated at the time given:
// unused, unrevoked, before their own and their family's end.
func testLiveTokens(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	now := base.Add(time.Hour)
	rotated := insert(t, s, newFamily(t, "alice", base))
	newest := mustRotate(t, s, rotated, base.Add(30*time.Minute))
	insert(t, s, revoked(newFamily(t, "alice", base), base.Add(time.Minute)))
	expiring := insert(t, s, newFamily(t, "alice", base.Add(time.Microsecond))) // expires a microsecond after now
	insert(t, s, newFamily(t, "alice", base))                                   // expires at now
	ending := newFamily(t, "alice", base.Add(30*time.Minute))
	ending.FamilyExpiresAt = now
	insert(t, s, ending) // its family ends at now
	insert(t, s, newFamily(t, "bob", base.Add(30*time.Minute)))

	assert.Equal(t, byHash(newest, expiring), live(t, open(t), "alice", now))
	assert.Equal(t, byHash(newest), live(t, s, "alice", now.Add(time.Microsecond)), "each ends at its instant")
	assert.Empty(t, live(t, s, "alice", base.Add(2*familyLife)))
}

// Cleanup deletes whole families that ended before the cutoff, counts the
// tokens it deleted, and keeps every other family, used tokens included.
func testCleanup(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	cutoff := base.Add(familyLife + 2*time.Hour)

	// A family whose end is before the cutoff: its three tokens go.
	ended := insert(t, s, newFamily(t, "alice", base))
	endedNext := mustRotate(t, s, ended, base.Add(time.Hour-time.Minute))
	endedLast := mustRotate(t, s, endedNext, base.Add(2*time.Hour-2*time.Minute))
	// A family every token of which expired before the cutoff, though the
	// family could live on: its one token goes.
	idle := newFamily(t, "bob", base.Add(familyLife))
	idle.FamilyExpiresAt = base.Add(3 * familyLife)
	insert(t, s, idle) // expires at cutoff - 1h
	// A family with an expired, used token and a live successor: kept.
	living := newFamily(t, "carol", base.Add(familyLife+30*time.Minute)) // expires at cutoff - 30m
	living.FamilyExpiresAt = base.Add(3 * familyLife)
	insert(t, s, living)
	livingNext := mustRotate(t, s, living, base.Add(familyLife+80*time.Minute)) // expires at cutoff + 20m
	// A family that ends, and whose token expires, at the cutoff: kept.
	boundary := newFamily(t, "dave", cutoff.Add(-ttl))
	boundary.FamilyExpiresAt = cutoff
	insert(t, s, boundary)
	// A revoked family that has not ended: kept.
	revokedFamily := insert(t, s, newFamily(t, "erin", cutoff.Add(-30*time.Minute)))
	revokeFamily(t, s, revokedFamily.FamilyID, cutoff.Add(-time.Minute))

	n, err := open(t).Cleanup(bg, cutoff)
	require.NoError(t, err)
	assert.Equal(t, int64(3+1), n, "the ended family's three tokens and the idle family's one")
	for _, rec := range []refresh.Record{ended, endedNext, endedLast, idle} {
		assertAbsent(t, s, rec.TokenHash)
	}
	assertStored(t, s, used(living, livingNext.CreatedAt), "a used token is kept while its family may live")
	assertStored(t, s, livingNext)
	assertStored(t, s, boundary, "a family that ends at the cutoff")
	assertStored(t, s, revoked(revokedFamily, cutoff.Add(-time.Minute)), "a revoked family is kept until it ends")

	n, err = s.Cleanup(bg, cutoff)
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to delete")
}

// A store given a done context returns an error and changes nothing.
func testContextDone(t *testing.T, fresh Fresh) {
	open := fresh(t)
	s := open(t)
	rec := insert(t, s, newFamily(t, "alice", base))
	done, cancel := context.WithCancel(bg)
	cancel()
	at := base.Add(time.Minute)

	other := newFamily(t, "alice", base)
	assert.Error(t, s.Insert(done, other), "Insert")
	_, _, err := s.Find(done, rec.TokenHash)
	assert.Error(t, err, "Find")
	next := newNext(t, at)
	_, err = s.Rotate(done, rec.TokenHash, next, at)
	assert.Error(t, err, "Rotate")
	_, err = s.RevokeFamily(done, rec.FamilyID, "", at)
	assert.Error(t, err, "RevokeFamily")
	_, err = s.RevokeSubject(done, "alice", at)
	assert.Error(t, err, "RevokeSubject")
	_, err = s.LiveTokens(done, "alice", at)
	assert.Error(t, err, "LiveTokens")
	_, err = s.Cleanup(done, base.Add(10*familyLife))
	assert.Error(t, err, "Cleanup")

	assertStored(t, s, rec, "nothing changed")
	assertAbsent(t, s, other.TokenHash, "nothing inserted")
	assertAbsent(t, s, next.TokenHash, "nothing rotated")
}
