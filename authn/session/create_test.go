package session_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/memstore"
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
		assert.Nil(t, s.Methods, "no methods given")

		sub, err := f.get(s.Token.Reveal())
		require.NoError(t, err)
		assert.Equal(t, authn.Subject{
			ID:           "alice",
			Method:       authn.MethodSession,
			CredentialID: s.ID,
			ExpiresAt:    start.Add(10 * time.Minute), // idle expiry comes first
			// The login that made the session, whose methods were not
			// given: no AMR, no ACR.
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

// A session carries the methods of the login that created it to every
// request it authenticates, and to the list of the subject's sessions.
func TestCreateKeepsMethods(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		tests := []struct {
			name    string
			methods []string
			wantACR string
		}{
			{"none given", nil, ""},
			{"a password", []string{authn.AMRPassword}, authn.ACRSingleFactor},
			{"a password and a one-time code", []string{authn.AMRPassword, authn.AMROTP, authn.AMRMultiFactor}, authn.ACRMultiFactor},
			{"a hardware key", []string{authn.AMRHardwareKey}, authn.ACRSingleFactor},
			{"eight methods, the most allowed", []string{"a", "b", "c", "d", "e", "f", "g", strings.Repeat("h", 16)}, authn.ACRSingleFactor},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				f := newFixtureOn(t, b, session.Config{TouchInterval: time.Minute})
				given := slices.Clone(tt.methods)
				s, err := f.m.Create(ctx, "alice", "", given...)
				require.NoError(t, err)
				assert.Equal(t, tt.methods, s.Methods)
				if len(given) > 0 {
					given[0] = "changed"
					assert.Equal(t, tt.methods, s.Methods, "the session has a copy of its own")
				}

				for _, advance := range []time.Duration{0, 2 * time.Minute} { // a look, then a recorded use
					f.clock.Advance(advance)
					sub, err := f.m.Authenticate(ctx, f.request("POST", s.Token.Reveal(), s.CSRFToken.Reveal()))
					require.NoError(t, err)
					assert.Equal(t, tt.methods, sub.AMR)
					assert.Equal(t, tt.wantACR, sub.ACR)
					if len(sub.AMR) > 0 {
						sub.AMR[0] = "changed"
					}
				}
				sub, err := f.get(s.Token.Reveal())
				require.NoError(t, err)
				assert.Equal(t, tt.methods, sub.AMR, "each Subject has a slice of its own")
				assert.Equal(t, tt.wantACR == authn.ACRMultiFactor, sub.RequireMFA() == nil)

				infos, err := f.m.List(ctx, "alice")
				require.NoError(t, err)
				require.Len(t, infos, 1)
				assert.Equal(t, tt.methods, infos[0].Methods)
			})
		}
	})
}

func TestCreateRefusesBadMethods(t *testing.T) {
	t.Parallel()
	tests := map[string][]string{
		"an empty method":  {""},
		"upper case":       {"PWD"},
		"a space inside":   {"pwd otp"},
		"a method twice":   {"pwd", "pwd"},
		"seventeen bytes":  {strings.Repeat("m", 17)},
		"nine methods":     {"a", "b", "c", "d", "e", "f", "g", "h", "i"},
		"punctuation":      {"pwd,otp"},
		"a NUL":            {"pwd\x00"},
		"non-ASCII":        {"pwé"},
		"a line break":     {"pwd\nmfa"},
		"valid, then junk": {"pwd", "-"},
	}
	for name, methods := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			f := newFixture(t, session.Config{})
			previous := f.create(t, "alice")
			s, err := f.m.Create(ctx, "alice", previous.Token.Reveal(), methods...)
			assert.ErrorIs(t, err, session.ErrInvalidMethods)
			assert.Equal(t, session.Session{}, s)
			assert.Equal(t, int64(1), f.count(t), "nothing written")
			_, err = f.get(previous.Token.Reveal())
			assert.NoError(t, err, "a refused login leaves the previous session alone")
		})
	}
}

// Methods a store gives back that could not have been written, as from a
// damaged or tampered table, are unknown: never taken for a second factor.
func TestAuthenticateDistrustsDamagedMethods(t *testing.T) {
	t.Parallel()
	for _, stored := range []string{"PWD mfa", "pwd  mfa", " mfa", "mfa ", "pwd\tmfa", "mfa mfa", strings.Repeat("mfa ", 9) + "mfa"} {
		t.Run(stored, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			store := memstore.New()
			m, err := session.New(store, session.Config{Now: authntest.NewClock(start).Now})
			require.NoError(t, err)
			raw := make([]byte, 32)
			_, err = rand.Read(raw)
			require.NoError(t, err)
			token := base64.RawURLEncoding.EncodeToString(raw)
			sum := sha256.Sum256([]byte(token))
			require.NoError(t, store.Create(ctx, session.Record{
				ID: "ses_0123456789abcdef", TokenHash: hex.EncodeToString(sum[:]), Subject: "alice",
				CreatedAt: start, LastSeenAt: start, ExpiresAt: start.Add(time.Hour), Methods: stored,
			}, time.Hour, ""))

			sub, err := m.Authenticate(ctx, authntest.Request{Cookies: map[string]string{m.CookieName(): token}})
			require.NoError(t, err)
			assert.Nil(t, sub.AMR)
			assert.Empty(t, sub.ACR)
			assert.ErrorIs(t, sub.RequireMFA(), authn.ErrReauthenticationRequired)
			infos, err := m.List(ctx, "alice")
			require.NoError(t, err)
			require.Len(t, infos, 1)
			assert.Nil(t, infos[0].Methods)
		})
	}
}
