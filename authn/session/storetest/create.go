package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

func testCreateReplaces(t *testing.T, fresh func(*testing.T) Open) {
	tests := []struct {
		name string
		// replace returns the replaceTokenHash, given the session the
		// browser held.
		replace      func(held session.Record) string
		wantHeldGone bool
	}{
		{"the held session", func(h session.Record) string { return h.TokenHash }, true},
		{"nothing", func(session.Record) string { return "" }, false},
		{"an unknown hash", func(session.Record) string { return randomHex(t, 32) }, false},
		{"the held session's id", func(h session.Record) string { return h.ID }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			held := create(t, s, newRecord(t, "mallory", base)) // planted by an attacker, say
			bystander := create(t, s, newRecord(t, "bob", base))
			now := base.Add(10 * time.Minute)

			fresh := newRecord(t, "alice", now)
			require.NoError(t, s.Create(bg, fresh, idle, tt.replace(held)))
			assertFound(t, s, fresh, now)
			assertFound(t, s, bystander, now, "other sessions are untouched")
			assert.Equal(t, byID(fresh), listed(t, s, "alice", now))
			if tt.wantHeldGone {
				assertGone(t, s, held.TokenHash, now, "the replaced session, whoever's, is gone")
				assert.Empty(t, listed(t, s, "mallory", now))
				found, err := s.DestroyByID(bg, "mallory", held.ID)
				require.NoError(t, err)
				assert.False(t, found, "and its id with it")
			} else {
				assertFound(t, s, held, now)
			}
		})
	}
}

func testCreateRefusesTaken(t *testing.T, fresh func(*testing.T) Open) {
	tests := []struct {
		name string
		// taken returns a new session that takes something of held's.
		taken func(t *testing.T, held session.Record) session.Record
	}{
		{"id", func(t *testing.T, h session.Record) session.Record {
			r := newRecord(t, "bob", base.Add(time.Minute))
			r.ID = h.ID
			return r
		}},
		{"id, same subject", func(t *testing.T, h session.Record) session.Record {
			r := newRecord(t, h.Subject, base.Add(time.Minute))
			r.ID = h.ID
			return r
		}},
		{"token hash", func(t *testing.T, h session.Record) session.Record {
			r := newRecord(t, "bob", base.Add(time.Minute))
			r.TokenHash = h.TokenHash
			return r
		}},
		{"both", func(t *testing.T, h session.Record) session.Record {
			r := h
			r.CreatedAt, r.LastSeenAt = base.Add(time.Minute), base.Add(time.Minute)
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			held := create(t, s, newRecord(t, "alice", base))
			previous := create(t, s, newRecord(t, "carol", base))
			now := base.Add(time.Minute)
			taken := tt.taken(t, held)

			err := s.Create(bg, taken, idle, previous.TokenHash)
			require.ErrorIs(t, err, session.ErrSessionExists)
			assertFound(t, s, held, now, "the session holding it is untouched")
			assertFound(t, s, previous, now, "a refused Create replaces nothing")
			if taken.TokenHash != held.TokenHash {
				assertGone(t, s, taken.TokenHash, now, "nothing is written")
			}
			if taken.Subject != held.Subject {
				assert.Empty(t, listed(t, s, taken.Subject, now), "nothing is written")
			}
			assert.Equal(t, byID(held), listed(t, s, held.Subject, now))
		})
	}
}

func testDestroy(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	alice := create(t, s, newRecord(t, "alice", base))
	other := create(t, s, newRecord(t, "alice", base))
	bob := create(t, s, newRecord(t, "bob", base))
	now := base.Add(time.Minute)

	require.NoError(t, s.Destroy(bg, alice.TokenHash))
	assertGone(t, s, alice.TokenHash, now)
	assertFound(t, s, other, now, "the subject's other sessions live on")
	assertFound(t, s, bob, now)
	assert.Equal(t, byID(other), listed(t, s, "alice", now))
	found, err := s.DestroyByID(bg, "alice", alice.ID)
	require.NoError(t, err)
	assert.False(t, found, "its id is gone with it")

	for _, hash := range []string{alice.TokenHash, randomHex(t, 32), "", other.ID, upper(other.TokenHash)} {
		assert.NoError(t, s.Destroy(bg, hash), "%q names no session: not an error", hash)
	}
	assertFound(t, s, other, now)
	assertFound(t, s, bob, now)
}

func testDestroyByID(t *testing.T, fresh func(*testing.T) Open) {
	// devices holds alice's phone and laptop and bob's phone.
	type devices struct{ alicePhone, aliceLaptop, bobPhone session.Record }
	tests := []struct {
		name    string
		subject string
		id      func(d devices) string
		before  func(t *testing.T, s session.Store, d devices)
		want    bool
		wantEnd bool // alice's phone's session ends; every other lives
	}{
		{name: "own session", subject: "alice", id: func(d devices) string { return d.alicePhone.ID }, want: true, wantEnd: true},
		{name: "another subject's session", subject: "bob", id: func(d devices) string { return d.alicePhone.ID }},
		{name: "subject differing in case", subject: "Alice", id: func(d devices) string { return d.alicePhone.ID }},
		{name: "subject with a trailing space", subject: "alice ", id: func(d devices) string { return d.alicePhone.ID }},
		{name: "subject with an accent", subject: "alicé", id: func(d devices) string { return d.alicePhone.ID }},
		{name: "unknown id", subject: "alice", id: func(devices) string { return "ses_0123456789abcdef" }},
		{name: "id in upper case", subject: "alice", id: func(d devices) string { return upper(d.alicePhone.ID) }},
		{name: "token hash instead of id", subject: "alice", id: func(d devices) string { return d.alicePhone.TokenHash }},
		{name: "already destroyed", subject: "alice", id: func(d devices) string { return d.alicePhone.ID },
			before: func(t *testing.T, s session.Store, d devices) {
				found, err := s.DestroyByID(bg, "alice", d.alicePhone.ID)
				require.NoError(t, err)
				require.True(t, found)
			},
			wantEnd: true},
		{name: "destroyed by its token", subject: "alice", id: func(d devices) string { return d.alicePhone.ID },
			before: func(t *testing.T, s session.Store, d devices) {
				require.NoError(t, s.Destroy(bg, d.alicePhone.TokenHash))
			},
			wantEnd: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			d := devices{
				alicePhone:  create(t, s, newRecord(t, "alice", base)),
				aliceLaptop: create(t, s, newRecord(t, "alice", base)),
				bobPhone:    create(t, s, newRecord(t, "bob", base)),
			}
			if tt.before != nil {
				tt.before(t, s, d)
			}
			found, err := s.DestroyByID(bg, tt.subject, tt.id(d))
			require.NoError(t, err)
			assert.Equal(t, tt.want, found)

			now := base.Add(time.Minute)
			if tt.wantEnd {
				assertGone(t, s, d.alicePhone.TokenHash, now)
				assert.Equal(t, byID(d.aliceLaptop), listed(t, s, "alice", now))
			} else {
				assertFound(t, s, d.alicePhone, now, "a refused DestroyByID leaves the session alive")
				assert.Equal(t, byID(d.alicePhone, d.aliceLaptop), listed(t, s, "alice", now))
			}
			assertFound(t, s, d.aliceLaptop, now)
			assertFound(t, s, d.bobPhone, now)
		})
	}
}

func testDestroySubject(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	alice1, alice2 := create(t, s, newRecord(t, "alice", base)), create(t, s, newRecord(t, "alice", base))
	bob := create(t, s, newRecord(t, "bob", base))
	lookalikes := []session.Record{
		create(t, s, newRecord(t, "Alice", base)),
		create(t, s, newRecord(t, "alice ", base)),
		create(t, s, newRecord(t, "alicé", base)),
	}
	now := base.Add(time.Minute)

	require.NoError(t, s.DestroySubject(bg, "alice"))
	for _, rec := range []session.Record{alice1, alice2} {
		assertGone(t, s, rec.TokenHash, now)
		found, err := s.DestroyByID(bg, "alice", rec.ID)
		require.NoError(t, err)
		assert.False(t, found)
	}
	assert.Empty(t, listed(t, s, "alice", now))
	assertFound(t, s, bob, now)
	for _, rec := range lookalikes {
		assertFound(t, s, rec, now, "subjects compare exactly: %q lives on", rec.Subject)
	}

	require.NoError(t, s.DestroySubject(bg, "nobody"))
	require.NoError(t, s.DestroySubject(bg, "alice"), "again: nothing to do, not an error")
	again := create(t, s, newRecord(t, "alice", now))
	assertFound(t, s, again, now, "logging in again works")
	assert.Equal(t, byID(again), listed(t, s, "alice", now))
}

func testList(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	first := create(t, s, newRecord(t, "alice", base))
	second := create(t, s, newRecord(t, "alice", base.Add(10*time.Minute)))
	bob := create(t, s, newRecord(t, "bob", base.Add(10*time.Minute)))
	_, found, err := s.Touch(bg, first.TokenHash, use(base.Add(20*time.Minute)))
	require.NoError(t, err)
	require.True(t, found)
	first.LastSeenAt = base.Add(20 * time.Minute)
	third := create(t, s, newRecord(t, "alice", base.Add(20*time.Minute)))

	tests := []struct {
		subject string
		at      time.Duration
		want    map[string]session.Record
	}{
		{"alice", 25 * time.Minute, byID(first, second, third)},
		{"alice", 40*time.Minute - time.Millisecond, byID(first, second, third)},
		{"alice", 40 * time.Minute, byID(first, third)}, // second idle since 10 minutes
		{"alice", 50 * time.Minute, map[string]session.Record{}},
		{"bob", 25 * time.Minute, byID(bob)},
		{"Alice", 25 * time.Minute, map[string]session.Record{}},
		{"alice ", 25 * time.Minute, map[string]session.Record{}},
		{"nobody", 25 * time.Minute, map[string]session.Record{}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, listed(t, s, tt.subject, base.Add(tt.at)), "%q at %v", tt.subject, tt.at)
	}

	recs, err := s.List(bg, "nobody", base, idle)
	require.NoError(t, err)
	assert.Empty(t, recs)
}

func testCleanup(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	touch := func(rec session.Record, at time.Duration) {
		t.Helper()
		_, found, err := s.Touch(bg, rec.TokenHash, use(base.Add(at)))
		require.NoError(t, err)
		require.True(t, found, "at %v", at)
	}
	cleanup := func(at time.Duration, want int64) {
		t.Helper()
		n, err := s.Cleanup(bg, base.Add(at), idle)
		require.NoError(t, err)
		assert.Equal(t, want, n, "Cleanup at %v", at)
	}
	// old is used every 20 minutes until its lifetime; unused is created
	// after an hour and never used; live 20 minutes before the end.
	old := create(t, s, newRecord(t, "alice", base))
	touch(old, 20*time.Minute)
	touch(old, 40*time.Minute)
	unused := create(t, s, newRecord(t, "bob", base.Add(60*time.Minute)))
	touch(old, 60*time.Minute)
	touch(old, 80*time.Minute)
	cleanup(90*time.Minute-time.Millisecond, 0)
	cleanup(90*time.Minute, 1) // unused, at its idle timeout
	assertGone(t, s, unused.TokenHash, base.Add(90*time.Minute))
	touch(old, 100*time.Minute)
	live := create(t, s, newRecord(t, "carol", base.Add(100*time.Minute)))
	cleanup(lifetime-time.Millisecond, 0)
	cleanup(lifetime, 1) // old, at its lifetime though used 20 minutes ago
	cleanup(lifetime, 0)

	now := base.Add(lifetime)
	assertGone(t, s, old.TokenHash, now)
	assertFound(t, s, live, now)
	for subject, rec := range map[string]session.Record{"alice": old, "bob": unused} {
		found, err := s.DestroyByID(bg, subject, rec.ID)
		require.NoError(t, err)
		assert.False(t, found, "Cleanup deleted %s whole", rec.ID)
	}
	assert.Equal(t, byID(live), listed(t, s, "carol", now))
}
