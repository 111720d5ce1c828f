package session_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/memstore"
)

func TestSessionsSurviveNewManager(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 10 * time.Minute})
		s := f.create(t, "alice")
		gone := f.create(t, "bob")
		require.NoError(t, f.m.Destroy(ctx, gone.Token.Reveal()))

		f.clock.Advance(5 * time.Minute)
		restarted, err := session.New(f.data.open(t), session.Config{IdleTimeout: 10 * time.Minute, Now: f.clock.Now})
		require.NoError(t, err)

		sub, err := restarted.Authenticate(ctx, f.request("POST", s.Token.Reveal(), s.CSRFToken.Reveal()))
		require.NoError(t, err)
		assert.Equal(t, authn.Subject{
			ID: "alice", Method: authn.MethodSession, CredentialID: s.ID, ExpiresAt: start.Add(15 * time.Minute),
			AuthenticatedAt: start,
		}, sub)
		assert.Equal(t, s.CSRFToken, restarted.CSRFToken(s.Token.Reveal()), "CSRF tokens need no shared state")
		_, err = restarted.Authenticate(ctx, f.request("GET", gone.Token.Reveal(), ""))
		assert.ErrorIs(t, err, authn.ErrInvalidSession)

		require.NoError(t, restarted.Destroy(ctx, s.Token.Reveal()))
		_, err = f.get(s.Token.Reveal())
		assert.ErrorIs(t, err, authn.ErrInvalidSession, "the first manager sees the second's logout")
	})
}

// recorder is a Store that records what the Manager asks of it and
// answers as a memstore does, or with err when err is set.
type recorder struct {
	session.Store
	err     error
	creates []created
	uses    []session.Use
	// touched replaces what Touch returns, when set.
	touched func(session.Record) (session.Record, bool)
}

type created struct {
	rec     session.Record
	idle    time.Duration
	replace string
}

func (r *recorder) Create(ctx context.Context, rec session.Record, idle time.Duration, replace string) error {
	r.creates = append(r.creates, created{rec, idle, replace})
	if r.err != nil {
		return r.err
	}
	return r.Store.Create(ctx, rec, idle, replace)
}

func (r *recorder) Touch(ctx context.Context, hash string, use session.Use) (session.Record, bool, error) {
	r.uses = append(r.uses, use)
	if r.err != nil {
		return session.Record{}, false, r.err
	}
	rec, found, err := r.Store.Touch(ctx, hash, use)
	if r.touched != nil && found {
		rec, found = r.touched(rec)
	}
	return rec, found, err
}

func (r *recorder) Destroy(ctx context.Context, hash string) error {
	if r.err != nil {
		return r.err
	}
	return r.Store.Destroy(ctx, hash)
}

func (r *recorder) DestroyByID(ctx context.Context, subject, id string) (bool, error) {
	if r.err != nil {
		return false, r.err
	}
	return r.Store.DestroyByID(ctx, subject, id)
}

func (r *recorder) DestroySubject(ctx context.Context, subject string) error {
	if r.err != nil {
		return r.err
	}
	return r.Store.DestroySubject(ctx, subject)
}

func (r *recorder) List(ctx context.Context, subject string, now time.Time, idle time.Duration) ([]session.Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	return r.Store.List(ctx, subject, now, idle)
}

func (r *recorder) Cleanup(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	if r.err != nil {
		return 0, r.err
	}
	return r.Store.Cleanup(ctx, now, idle)
}

func newRecorded(t *testing.T, cfg session.Config) (*session.Manager, *recorder, *authntest.Clock) {
	t.Helper()
	r := &recorder{Store: memstore.New()}
	c := authntest.NewClock(start.Add(500 * time.Millisecond)) // not a whole second
	cfg.Now = c.Now
	m, err := session.New(r, cfg)
	require.NoError(t, err)
	return m, r, c
}

func hashOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// What the Manager hands its store: the hash, never the token; times in
// UTC to the second; its timeouts; the previous session's hash only for a
// well-formed cookie; no use recorded for a request it refuses.
func TestManagerAsksTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, r, clock := newRecorded(t, session.Config{IdleTimeout: 10 * time.Minute, Lifetime: time.Hour, TouchInterval: 2 * time.Minute})

	s, err := m.Create(ctx, "alice", "")
	require.NoError(t, err)
	_, err = m.Create(ctx, "alice", "malformed")
	require.NoError(t, err)
	replacing, err := m.Create(ctx, "alice", s.Token.Reveal())
	require.NoError(t, err)
	require.Len(t, r.creates, 3)
	assert.Equal(t, created{
		rec: session.Record{ID: s.ID, TokenHash: hashOf(s.Token.Reveal()), Subject: "alice",
			CreatedAt: start, LastSeenAt: start, ExpiresAt: start.Add(time.Hour)},
		idle: 10 * time.Minute,
	}, r.creates[0])
	assert.Empty(t, r.creates[1].replace, "a malformed cookie names no session")
	assert.Equal(t, hashOf(s.Token.Reveal()), r.creates[2].replace)

	clock.Advance(3 * time.Minute)
	now := clock.Now()
	cookie := replacing.Token.Reveal()
	for _, step := range []struct {
		req      authntest.Request
		wantSeen time.Time
		wantErr  error
	}{
		{authntest.Request{HTTPMethod: "POST", Cookies: map[string]string{m.CookieName(): cookie}}, time.Time{}, authn.ErrCSRF},
		{authntest.Request{Cookies: map[string]string{m.CookieName(): cookie}}, start.Add(3 * time.Minute), nil},
	} {
		r.uses = nil
		_, err := m.Authenticate(ctx, step.req)
		if step.wantErr != nil {
			assert.ErrorIs(t, err, step.wantErr)
		} else {
			assert.NoError(t, err)
		}
		assert.Equal(t, []session.Use{{Now: now, IdleTimeout: 10 * time.Minute, SeenAt: step.wantSeen, TouchInterval: 2 * time.Minute}},
			r.uses, "one call to the store per request")
	}
}

// Every failure of the store is ErrStore, wrapping the store's own error,
// and never taken for a missing or dead session.
func TestStoreFailuresAreErrStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, r, _ := newRecorded(t, session.Config{})
	s, err := m.Create(ctx, "alice", "")
	require.NoError(t, err)
	broken := errors.New("backend unavailable")
	r.err = broken

	calls := map[string]func() error{
		"Create": func() error {
			_, err := m.Create(ctx, "alice", s.Token.Reveal())
			return err
		},
		"Authenticate": func() error {
			_, err := m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): s.Token.Reveal()}})
			assert.NotErrorIs(t, err, authn.ErrInvalidSession)
			assert.NotErrorIs(t, err, authn.ErrNoCredentials)
			return err
		},
		"Destroy":        func() error { return m.Destroy(ctx, s.Token.Reveal()) },
		"DestroyByID":    func() error { return m.DestroyByID(ctx, "alice", s.ID) },
		"DestroySubject": func() error { return m.DestroySubject(ctx, "alice") },
		"List": func() error {
			_, err := m.List(ctx, "alice")
			return err
		},
		"Cleanup": func() error {
			_, err := m.Cleanup(ctx)
			return err
		},
	}
	for name, call := range calls {
		err := call()
		assert.ErrorIs(t, err, session.ErrStore, name)
		assert.ErrorIs(t, err, broken, name)
		assert.NotErrorIs(t, err, session.ErrSessionNotFound, name)
	}

	r.err = fmt.Errorf("wrapped: %w", session.ErrSessionExists)
	_, err = m.Create(ctx, "bob", "")
	assert.ErrorIs(t, err, session.ErrStore)
	assert.ErrorIs(t, err, session.ErrSessionExists)
}

// A store that answers wrongly does not let a request in: the Manager
// checks the hash, the timeouts and the subject of what it gets back.
func TestManagerDistrustsTheStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name    string
		touched func(session.Record) (session.Record, bool)
	}{
		{"another session's hash", func(r session.Record) (session.Record, bool) {
			r.TokenHash = hashOf("another token")
			return r, true
		}},
		{"past its idle timeout", func(r session.Record) (session.Record, bool) {
			r.LastSeenAt = r.LastSeenAt.Add(-time.Hour)
			return r, true
		}},
		{"past its lifetime", func(r session.Record) (session.Record, bool) {
			r.ExpiresAt = start
			return r, true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, r, clock := newRecorded(t, session.Config{})
			s, err := m.Create(ctx, "alice", "")
			require.NoError(t, err)
			clock.Advance(time.Second)
			r.touched = tt.touched
			sub, err := m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): s.Token.Reveal()}})
			assert.ErrorIs(t, err, authn.ErrInvalidSession)
			assert.True(t, sub.IsZero())
		})
	}
}
