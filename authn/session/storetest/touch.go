package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

func testCreateAndTouch(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	alice := create(t, s, newRecord(t, "alice", base))
	bob := create(t, s, newRecord(t, "bob", base))

	assertFound(t, s, alice, base)
	assertFound(t, s, bob, base.Add(time.Minute))
	for name, hash := range map[string]string{
		"unknown hash":        randomHex(t, 32),
		"id instead of hash":  alice.ID,
		"hash in upper case":  upper(alice.TokenHash),
		"hash with a space":   alice.TokenHash + " ",
		"hash without a byte": alice.TokenHash[1:],
		"empty":               "",
	} {
		rec, found, err := s.Touch(bg, hash, use(base.Add(10*time.Minute)))
		require.NoError(t, err, name)
		assert.False(t, found, name)
		assert.Equal(t, session.Record{}, rec, "%s: not found gives the zero Record", name)
	}
}

// upper is hex in upper case: the same bytes to a loose comparison.
func upper(hex string) string {
	b := []byte(hex)
	for i, c := range b {
		if 'a' <= c && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func testTouchRecordsUse(t *testing.T, fresh func(*testing.T) Open) {
	tests := []struct {
		name string
		// before are uses applied first, each at base plus its offset,
		// recording when due.
		before []time.Duration
		use    session.Use
		// wantSeen is LastSeenAt after use, as an offset from base.
		wantSeen time.Duration
	}{
		{"not due yet", nil, use(base.Add(interval - time.Minute)), 0},
		{"due at the interval", nil, use(base.Add(interval)), interval},
		{"due after it", nil, use(base.Add(29 * time.Minute)), 29 * time.Minute},
		{"due, but records nothing", nil, look(base.Add(20 * time.Minute)), 0},
		{"counts from the last recorded use", []time.Duration{10 * time.Minute}, use(base.Add(14 * time.Minute)), 10 * time.Minute},
		{"then due again", []time.Duration{10 * time.Minute}, use(base.Add(15 * time.Minute)), 15 * time.Minute},
		{"never moves back", []time.Duration{20 * time.Minute},
			session.Use{Now: base.Add(26 * time.Minute), IdleTimeout: idle, SeenAt: base.Add(10 * time.Minute), TouchInterval: interval},
			20 * time.Minute},
		{"records SeenAt, not Now", nil,
			session.Use{Now: base.Add(7 * time.Minute), IdleTimeout: idle, SeenAt: base.Add(6 * time.Minute), TouchInterval: interval},
			6 * time.Minute},
		{"keeps the session alive past its first idle timeout", []time.Duration{25 * time.Minute}, use(base.Add(50 * time.Minute)), 50 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			rec := create(t, s, newRecord(t, "alice", base))
			for _, d := range tt.before {
				_, found, err := s.Touch(bg, rec.TokenHash, use(base.Add(d)))
				require.NoError(t, err)
				require.True(t, found, "use at %v", d)
			}
			got, found, err := s.Touch(bg, rec.TokenHash, tt.use)
			require.NoError(t, err)
			require.True(t, found)
			want := rec
			want.LastSeenAt = base.Add(tt.wantSeen)
			assert.Equal(t, normal(want), normal(got), "Touch returns the session as it is after the call")
			assertFound(t, open(t), want, tt.use.Now, "another handle reads what was recorded")
			assert.Equal(t, byID(want), listed(t, s, "alice", tt.use.Now))
		})
	}
}

func testTouchRefusesExpired(t *testing.T, fresh func(*testing.T) Open) {
	tests := []struct {
		name string
		// used are offsets from base at which the session is used.
		used []time.Duration
		at   time.Duration
		want bool
	}{
		{"new", nil, 0, true},
		{"a minute before its idle timeout", nil, idle - time.Minute, true},
		{"a millisecond before it", nil, idle - time.Millisecond, true},
		{"at its idle timeout", nil, idle, false},
		{"after it", nil, idle + time.Hour, false},
		{"idle timeout counts from the last use", []time.Duration{20 * time.Minute}, 20*time.Minute + idle - time.Millisecond, true},
		{"and ends then", []time.Duration{20 * time.Minute}, 20*time.Minute + idle, false},
		{"used all along, a millisecond before its lifetime", []time.Duration{25 * time.Minute, 50 * time.Minute, 75 * time.Minute, 100 * time.Minute}, lifetime - time.Millisecond, true},
		{"used all along, at its lifetime", []time.Duration{25 * time.Minute, 50 * time.Minute, 75 * time.Minute, 100 * time.Minute}, lifetime, false},
		{"used a minute before it, at its lifetime", []time.Duration{25 * time.Minute, 50 * time.Minute, 75 * time.Minute, 100 * time.Minute, lifetime - time.Minute}, lifetime, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			open := fresh(t)
			s := open(t)
			rec := create(t, s, newRecord(t, "alice", base))
			for _, d := range tt.used {
				_, found, err := s.Touch(bg, rec.TokenHash, use(base.Add(d)))
				require.NoError(t, err)
				require.True(t, found, "use at %v", d)
			}
			now := base.Add(tt.at)
			if tt.want {
				assert.Equal(t, []string{rec.ID}, keys(listed(t, s, "alice", now)), "listed")
			}
			// Asked to record a use, a store must not revive a dead
			// session: it is still dead a minute later.
			got, found, err := s.Touch(bg, rec.TokenHash, use(now))
			require.NoError(t, err)
			assert.Equal(t, tt.want, found)
			if !tt.want {
				assert.Equal(t, session.Record{}, got)
				assertGone(t, s, rec.TokenHash, now.Add(time.Minute), "not revived")
				assert.Empty(t, listed(t, s, "alice", now), "List leaves it out too")
			}
		})
	}
}

func keys(m map[string]session.Record) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func testSecondHandle(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	first, second := open(t), open(t)
	alice := create(t, first, newRecord(t, "alice", base))
	assertFound(t, second, alice, base, "the second handle finds what the first created")

	_, found, err := second.Touch(bg, alice.TokenHash, use(base.Add(10*time.Minute)))
	require.NoError(t, err)
	require.True(t, found)
	alice.LastSeenAt = base.Add(10 * time.Minute)
	assertFound(t, first, alice, base.Add(10*time.Minute), "the first sees the second's use")

	bob := newRecord(t, "bob", base.Add(10*time.Minute))
	require.NoError(t, second.Create(bg, bob, idle, alice.TokenHash))
	assertGone(t, first, alice.TokenHash, base.Add(10*time.Minute), "the first sees the second's replacement")
	assert.Equal(t, byID(bob), listed(t, first, "bob", base.Add(10*time.Minute)))

	require.NoError(t, first.Destroy(bg, bob.TokenHash))
	assertGone(t, second, bob.TokenHash, base.Add(10*time.Minute), "the second sees the first's logout")
}

func testContextDone(t *testing.T, fresh func(*testing.T) Open) {
	open := fresh(t)
	s := open(t)
	alice := create(t, s, newRecord(t, "alice", base))
	done, cancel := context.WithCancel(context.Background())
	cancel()
	now := base.Add(10 * time.Minute)

	unborn := newRecord(t, "alice", now)
	calls := map[string]func() error{
		"Create": func() error { return s.Create(done, unborn, idle, alice.TokenHash) },
		"Touch": func() error {
			_, _, err := s.Touch(done, alice.TokenHash, use(now))
			return err
		},
		"Destroy": func() error { return s.Destroy(done, alice.TokenHash) },
		"DestroyByID": func() error {
			_, err := s.DestroyByID(done, "alice", alice.ID)
			return err
		},
		"DestroySubject": func() error { return s.DestroySubject(done, "alice") },
		"List": func() error {
			_, err := s.List(done, "alice", now, idle)
			return err
		},
		"Cleanup": func() error {
			_, err := s.Cleanup(done, base.Add(lifetime), idle)
			return err
		},
	}
	for name, call := range calls {
		assert.ErrorIs(t, call(), context.Canceled, name)
	}
	assertFound(t, s, alice, now, "nothing changed")
	assertGone(t, s, unborn.TokenHash, now, "nothing created")
}
