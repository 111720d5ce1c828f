package session_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

func TestList(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 30 * time.Minute, Lifetime: 2 * time.Hour, TouchInterval: time.Minute})
		first := f.create(t, "alice")
		f.clock.Advance(10 * time.Minute)
		second := f.create(t, "alice")
		bob := f.create(t, "bob")
		f.clock.Advance(10 * time.Minute)
		third := f.create(t, "alice")
		_, err := f.get(first.Token.Reveal()) // records activity at 20 minutes
		require.NoError(t, err)
		f.clock.Advance(5 * time.Minute)

		tests := []struct {
			subject string
			want    []session.Info
		}{
			{"alice", []session.Info{
				{ID: third.ID, CreatedAt: start.Add(20 * time.Minute), LastSeenAt: start.Add(20 * time.Minute), ExpiresAt: start.Add(50 * time.Minute)},
				{ID: second.ID, CreatedAt: start.Add(10 * time.Minute), LastSeenAt: start.Add(10 * time.Minute), ExpiresAt: start.Add(40 * time.Minute)},
				{ID: first.ID, CreatedAt: start, LastSeenAt: start.Add(20 * time.Minute), ExpiresAt: start.Add(50 * time.Minute)},
			}},
			{"bob", []session.Info{
				{ID: bob.ID, CreatedAt: start.Add(10 * time.Minute), LastSeenAt: start.Add(10 * time.Minute), ExpiresAt: start.Add(40 * time.Minute)},
			}},
			{"Alice", nil}, // subjects compare exactly, on every backend
			{"alice ", nil},
			{"nobody", nil},
		}
		for _, tt := range tests {
			t.Run(tt.subject, func(t *testing.T) {
				t.Parallel()
				got, err := f.m.List(ctx, tt.subject)
				require.NoError(t, err)
				if tt.want == nil {
					assert.Empty(t, got)
					return
				}
				assert.Equal(t, tt.want, got, "newest first")
				for _, info := range got {
					assert.Equal(t, time.UTC, info.CreatedAt.Location())
					assert.Equal(t, time.UTC, info.ExpiresAt.Location())
				}
			})
		}
	})
}

// A session is listed exactly while Authenticate would accept it.
func TestListLeavesOutDeadSessions(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		tests := []struct {
			name string
			// then happens to the session after its creation.
			then       func(t *testing.T, f fixture, s session.Session)
			wantListed bool
		}{
			{"new", func(*testing.T, fixture, session.Session) {}, true},
			{"unused for a second less than the idle timeout", idleFor(30*time.Minute - time.Second), true},
			{"unused for half a second less than the idle timeout", idleFor(30*time.Minute - 500*time.Millisecond), true},
			{"unused for the idle timeout", idleFor(30 * time.Minute), false},
			{"unused for longer", idleFor(time.Hour), false},
			{"used until a second before its lifetime", usedUntil(2*time.Hour - time.Second), true},
			{"used until its lifetime", usedUntil(2 * time.Hour), false},
			{"destroyed by its cookie", func(t *testing.T, f fixture, s session.Session) {
				require.NoError(t, f.m.Destroy(context.Background(), s.Token.Reveal()))
			}, false},
			{"destroyed by its id", func(t *testing.T, f fixture, s session.Session) {
				require.NoError(t, f.m.DestroyByID(context.Background(), "alice", s.ID))
			}, false},
			{"destroyed with every session of its subject", func(t *testing.T, f fixture, s session.Session) {
				require.NoError(t, f.m.DestroySubject(context.Background(), "alice"))
			}, false},
			{"replaced at the next login", func(t *testing.T, f fixture, s session.Session) {
				_, err := f.m.Create(context.Background(), "alice", s.Token.Reveal())
				require.NoError(t, err)
			}, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := newFixtureOn(t, b, session.Config{IdleTimeout: 30 * time.Minute, Lifetime: 2 * time.Hour, TouchInterval: time.Minute})
				s := f.create(t, "alice")
				tt.then(t, f, s)

				infos, err := f.m.List(context.Background(), "alice")
				require.NoError(t, err)
				listed := false
				for _, info := range infos {
					listed = listed || info.ID == s.ID
				}
				assert.Equal(t, tt.wantListed, listed, "listed")
				_, err = f.get(s.Token.Reveal())
				assert.Equal(t, tt.wantListed, err == nil, "authenticates: %v", err)
			})
		}
	})
}

// idleFor moves the clock on by d, leaving the session unused.
func idleFor(d time.Duration) func(*testing.T, fixture, session.Session) {
	return func(_ *testing.T, f fixture, _ session.Session) { f.clock.Advance(d) }
}

// usedUntil uses the session every 20 minutes until d after its creation,
// so that it never goes idle.
func usedUntil(d time.Duration) func(*testing.T, fixture, session.Session) {
	return func(t *testing.T, f fixture, s session.Session) {
		for elapsed := time.Duration(0); elapsed < d; {
			step := min(20*time.Minute, d-elapsed)
			f.clock.Advance(step)
			elapsed += step
			if elapsed < d {
				_, err := f.get(s.Token.Reveal())
				require.NoError(t, err, "at %v", elapsed)
			}
		}
	}
}

func TestListRevealsNoSecret(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b, session.Config{})
		sessions := []session.Session{f.create(t, "alice"), f.create(t, "alice")}
		infos, err := f.m.List(context.Background(), "alice")
		require.NoError(t, err)
		require.Len(t, infos, 2)

		encoded, err := json.Marshal(infos)
		require.NoError(t, err)
		out := fmt.Sprintf("%v %+v %#v %s", infos, infos, infos, encoded)
		for _, s := range sessions {
			hash := sha256.Sum256([]byte(s.Token.Reveal()))
			for what, secret := range map[string]string{
				"token":      s.Token.Reveal(),
				"token hash": hex.EncodeToString(hash[:]),
				"CSRF token": s.CSRFToken.Reveal(),
			} {
				assert.NotContains(t, out, secret, what)
			}
			assert.Contains(t, out, s.ID, "the public id is listed")
		}
	})
}

func TestListRefusesBadSubject(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	f.create(t, "alice")
	for _, subject := range []string{"", strings.Repeat("x", 256)} {
		infos, err := f.m.List(context.Background(), subject)
		assert.ErrorIs(t, err, session.ErrInvalidSubject)
		assert.Nil(t, infos)
	}
	infos, err := f.m.List(context.Background(), strings.Repeat("x", 255))
	assert.NoError(t, err, "255 bytes fit")
	assert.Empty(t, infos)
}

func TestListAndDestroyByIDReportStoreFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	s := f.create(t, "alice")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"List", func(ctx context.Context) error {
			_, err := f.m.List(ctx, "alice")
			return err
		}},
		{"DestroyByID", func(ctx context.Context) error { return f.m.DestroyByID(ctx, "alice", s.ID) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(ctx)
			assert.ErrorIs(t, err, session.ErrStore)
			assert.ErrorIs(t, err, context.Canceled)
			assert.NotErrorIs(t, err, session.ErrSessionNotFound, "a failure is not taken for an unknown id")
		})
	}
	_, err := f.get(s.Token.Reveal())
	assert.NoError(t, err, "the session lives on")
}
