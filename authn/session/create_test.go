package session_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

func TestCreateAndAuthenticate(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 10 * time.Minute, Lifetime: time.Hour})
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
			// The login that made the session.
			AuthenticatedAt: start,
		}, sub)

		other := f.create(t, "alice")
		assert.NotEqual(t, s.ID, other.ID, "every login gets a new id")
		assert.NotEqual(t, s.Token.Reveal(), other.Token.Reveal(), "and a new token")
		assert.NotEqual(t, s.CSRFToken.Reveal(), other.CSRFToken.Reveal(), "and a new CSRF token")
	})
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
	eachStore(t, func(t *testing.T, b backend) {
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
				f := newFixtureOn(t, b, session.Config{})
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
	})
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

// Logins racing on several replicas, each replacing the session its
// browser held or naming one that is gone, all succeed, on every store: on
// MySQL each transaction locks the gap its delete probes, and the server
// may roll one back to break a deadlock, which gormstore tries again.
func TestConcurrentLoginsReplacingSessions(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		f := newFixtureOn(t, b, session.Config{})
		other, err := session.New(f.data.open(t), session.Config{Now: f.clock.Now})
		require.NoError(t, err)
		managers := []*session.Manager{f.m, other}

		const logins = 12
		held := make([]string, logins)
		for i := range held {
			if i%2 == 0 {
				held[i] = f.create(t, fmt.Sprintf("user-%d", i)).Token.Reveal()
			} else {
				unknown := make([]byte, 32)
				_, err := rand.Read(unknown)
				require.NoError(t, err)
				held[i] = base64.RawURLEncoding.EncodeToString(unknown) // well formed, names no session
			}
		}
		errs := make([]error, logins)
		fresh := make([]session.Session, logins)
		var wg sync.WaitGroup
		ready := make(chan struct{})
		for i := range logins {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ready
				fresh[i], errs[i] = managers[i%2].Create(ctx, fmt.Sprintf("user-%d", i), held[i])
			}()
		}
		close(ready)
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "login %d", i)
			_, err = f.get(fresh[i].Token.Reveal())
			assert.NoError(t, err, "login %d", i)
		}
		assert.Equal(t, int64(logins), f.count(t), "every replaced session is gone")
	})
}
