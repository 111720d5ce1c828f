package session_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

func TestCreateAndAuthenticate(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{IdleTimeout: 10 * time.Minute, Lifetime: time.Hour})
	s := f.create(t, "alice")

	assert.Regexp(t, `^ses_[0-9a-f]{16}$`, s.ID)
	assert.Equal(t, "alice", s.Subject)
	assert.Equal(t, start, s.CreatedAt)
	assert.Equal(t, start.Add(time.Hour), s.ExpiresAt)
	raw, err := base64.RawURLEncoding.Strict().DecodeString(s.Token.Reveal())
	require.NoError(t, err, "token is unpadded base64url")
	assert.Len(t, raw, 32)
	assert.Equal(t, f.m.CSRFToken(s.Token.Reveal()), s.CSRFToken)
	assert.NotEqual(t, s.Token.Reveal(), s.CSRFToken.Reveal())
	assert.NotContains(t, s.Token.Reveal(), s.ID, "the token carries nothing but randomness")

	sub, err := f.get(s.Token.Reveal())
	require.NoError(t, err)
	assert.Equal(t, authn.Subject{
		ID:           "alice",
		Method:       authn.MethodSession,
		CredentialID: s.ID,
		ExpiresAt:    start.Add(10 * time.Minute), // idle expiry comes first
	}, sub)

	other := f.create(t, "alice")
	assert.NotEqual(t, s.ID, other.ID, "every login gets a new id")
	assert.NotEqual(t, s.Token.Reveal(), other.Token.Reveal(), "and a new token")
	assert.NotEqual(t, s.CSRFToken.Reveal(), other.CSRFToken.Reveal(), "and a new CSRF token")
}

func TestCreateRefusesBadSubject(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	previous := f.create(t, "alice")
	for _, subject := range []string{"", strings.Repeat("x", 256)} {
		s, err := f.m.Create(context.Background(), subject, previous.Token.Reveal())
		assert.ErrorIs(t, err, session.ErrInvalidSubject)
		assert.Equal(t, session.Session{}, s)
	}
	assert.Equal(t, int64(1), f.count(t), "nothing written")
	_, err := f.get(previous.Token.Reveal())
	assert.NoError(t, err, "a refused login leaves the previous session alone")

	_, err = f.m.Create(context.Background(), strings.Repeat("x", 255), "")
	assert.NoError(t, err, "255 bytes fit")
}

func TestCreateReplacesPreviousSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// previous returns the previousToken to log in with, given a
		// session the browser already holds.
		previous        func(held session.Session) string
		heldDies        bool
		wantSessionsNow int64
	}{
		{"cookie of a live session", func(h session.Session) string { return h.Token.Reveal() }, true, 2},
		{"no cookie", func(session.Session) string { return "" }, false, 3},
		{"unknown token", func(session.Session) string { return strings.Repeat("A", 43) }, false, 3},
		{"malformed token", func(session.Session) string { return "planted-by-attacker" }, false, 3},
		{"session id instead of token", func(h session.Session) string { return h.ID }, false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, session.Config{})
			held := f.create(t, "mallory") // e.g. planted by an attacker who logged in first
			bystander := f.create(t, "bob")

			fresh, err := f.m.Create(context.Background(), "alice", tt.previous(held))
			require.NoError(t, err)
			assert.NotEqual(t, held.Token.Reveal(), fresh.Token.Reveal())
			assert.NotEqual(t, held.ID, fresh.ID)

			_, err = f.get(held.Token.Reveal())
			if tt.heldDies {
				assert.ErrorIs(t, err, authn.ErrInvalidSession)
			} else {
				assert.NoError(t, err)
			}
			sub, err := f.get(fresh.Token.Reveal())
			require.NoError(t, err)
			assert.Equal(t, "alice", sub.ID)
			_, err = f.get(bystander.Token.Reveal())
			assert.NoError(t, err, "other sessions are untouched")
			assert.Equal(t, tt.wantSessionsNow, f.count(t))
		})
	}
}

func TestSessionSecretsDoNotPrint(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	s := f.create(t, "alice")
	encoded, err := json.Marshal(s)
	require.NoError(t, err)
	for _, out := range []string{fmt.Sprintf("%v %+v %#v", s, s, s), string(encoded)} {
		assert.NotContains(t, out, s.Token.Reveal())
		assert.NotContains(t, out, s.CSRFToken.Reveal())
		assert.Contains(t, out, s.ID, "the id is safe to print")
	}
}
