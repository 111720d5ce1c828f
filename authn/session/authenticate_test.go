package session_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
)

func TestAuthenticateWithoutCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	s := f.create(t, "alice")
	tests := []struct {
		name string
		req  authntest.Request
	}{
		{"no cookies", authntest.Request{}},
		{"no cookies on POST", authntest.Request{HTTPMethod: "POST"}},
		{"other cookie", authntest.Request{Cookies: map[string]string{"theme": "dark"}}},
		{"session token under another name", authntest.Request{Cookies: map[string]string{"session": s.Token.Reveal()}}},
		{"empty cookie", authntest.Request{Cookies: map[string]string{f.m.CookieName(): ""}}},
		{"token under the name without its prefix", authntest.Request{Cookies: map[string]string{"gatehouse_session": s.Token.Reveal()}}},
		{"bearer token", authntest.Bearer(s.Token.Reveal())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sub, err := f.m.Authenticate(context.Background(), tt.req)
			assert.ErrorIs(t, err, authn.ErrNoCredentials)
			assert.True(t, sub.IsZero())
		})
	}
}

func TestAuthenticateRejectsInventedTokens(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b, session.Config{})
		s := f.create(t, "alice")
		token := s.Token.Reveal()
		invented := make([]byte, 32)
		_, err := rand.Read(invented)
		require.NoError(t, err)
		hash := sha256.Sum256([]byte(token))

		tests := map[string]string{
			"client-invented":         base64.RawURLEncoding.EncodeToString(invented),
			"all zeros":               strings.Repeat("A", 43),
			"session id":              s.ID,
			"stored hash":             hex.EncodeToString(hash[:]),
			"padded":                  token + "=",
			"truncated":               token[:42],
			"extended":                token + "A",
			"standard alphabet":       base64.StdEncoding.EncodeToString(invented)[:43],
			"whitespace":              " " + token[1:],
			"newline inside":          token[:20] + "\n" + token[21:],
			"non-canonical last char": nonCanonical(token),
			"garbage":                 "'; DROP TABLE gatehouse_sessions; --",
		}
		for name, cookie := range tests {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				for _, method := range []string{"GET", "POST"} {
					sub, err := f.m.Authenticate(context.Background(), f.request(method, cookie, s.CSRFToken.Reveal()))
					assert.ErrorIs(t, err, authn.ErrInvalidSession, method)
					assert.ErrorIs(t, err, authn.ErrInvalidCredentials, method)
					assert.True(t, sub.IsZero())
				}
			})
		}
		assert.Equal(t, int64(1), f.count(t), "an unknown token creates nothing")
	})
}

// nonCanonical spells token's bytes differently: the last character of a
// 43-character token carries 4 unused bits, which lenient decoders ignore.
func nonCanonical(token string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, token[len(token)-1])
	return token[:len(token)-1] + string(alphabet[last|1])
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		tests := []struct {
			name    string
			advance []time.Duration // requests after each advance succeed
			last    time.Duration   // the request after this one fails
		}{
			{"unused for the idle timeout", nil, 10 * time.Minute},
			{"unused just under it", []time.Duration{10*time.Minute - time.Second}, 10 * time.Minute},
			{"idle timeout counts from the last recorded request", []time.Duration{5 * time.Minute, 9 * time.Minute}, 10 * time.Minute},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				f := newFixtureOn(t, b, session.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute})
				s := f.create(t, "alice")
				for _, d := range tt.advance {
					f.clock.Advance(d)
					_, err := f.get(s.Token.Reveal())
					require.NoError(t, err, "after %v", d)
				}
				f.clock.Advance(tt.last)
				_, err := f.get(s.Token.Reveal())
				assert.ErrorIs(t, err, authn.ErrInvalidSession)
				_, err = f.m.Authenticate(context.Background(), f.request("POST", s.Token.Reveal(), s.CSRFToken.Reveal()))
				assert.ErrorIs(t, err, authn.ErrInvalidSession)
			})
		}
	})
}

func TestActivityKeepsSessionAliveUntilLifetime(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 30 * time.Minute, Lifetime: 4 * time.Hour})
		s := f.create(t, "alice")
		for elapsed := 20 * time.Minute; elapsed < 4*time.Hour; elapsed += 20 * time.Minute {
			f.clock.Advance(20 * time.Minute)
			sub, err := f.get(s.Token.Reveal())
			require.NoError(t, err, "at %v", elapsed)
			want := start.Add(elapsed + 30*time.Minute)
			if want.After(s.ExpiresAt) {
				want = s.ExpiresAt
			}
			assert.Equal(t, want, sub.ExpiresAt, "at %v", elapsed)
		}
		f.clock.Advance(20 * time.Minute) // exactly the lifetime, though active 20 minutes ago
		_, err := f.get(s.Token.Reveal())
		assert.ErrorIs(t, err, authn.ErrInvalidSession, "the absolute lifetime is never extended")
		f.clock.Advance(-time.Second)
		_, err = f.get(s.Token.Reveal())
		assert.NoError(t, err, "one second before it, still alive")
	})
}

func TestTouchInterval(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 30 * time.Minute, TouchInterval: 5 * time.Minute})
		s := f.create(t, "alice")
		token := s.Token.Reveal()
		require.Equal(t, start, f.lastSeen(t, s))

		steps := []struct {
			advance    time.Duration
			method     string
			csrf       string
			wantErr    error
			wantSeen   time.Duration // since start
			wantExpiry time.Duration // since start
		}{
			{time.Minute, "GET", "", nil, 0, 30 * time.Minute},
			{3*time.Minute + 59*time.Second, "GET", "", nil, 0, 30 * time.Minute},
			{time.Second, "POST", "wrong", authn.ErrCSRF, 0, 0}, // a rejected request records no activity
			{0, "GET", "", nil, 5 * time.Minute, 35 * time.Minute},
			{4 * time.Minute, "POST", s.CSRFToken.Reveal(), nil, 5 * time.Minute, 35 * time.Minute},
			{time.Minute + 500*time.Millisecond, "GET", "", nil, 10 * time.Minute, 40 * time.Minute}, // stored to the second
		}
		for i, st := range steps {
			f.clock.Advance(st.advance)
			sub, err := f.m.Authenticate(context.Background(), f.request(st.method, token, st.csrf))
			if st.wantErr != nil {
				require.ErrorIs(t, err, st.wantErr, "step %d", i)
			} else {
				require.NoError(t, err, "step %d", i)
				assert.Equal(t, start.Add(st.wantExpiry), sub.ExpiresAt, "step %d", i)
			}
			assert.Equal(t, start.Add(st.wantSeen), f.lastSeen(t, s), "step %d", i)
		}
	})
}

func TestAuthenticateConcurrently(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b, session.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute})
		s := f.create(t, "alice")
		f.clock.Advance(2 * time.Minute) // every request is due to touch
		var wg sync.WaitGroup
		errs := make([]error, 16)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.m.Authenticate(context.Background(), f.request("POST", s.Token.Reveal(), s.CSRFToken.Reveal()))
			}()
		}
		wg.Wait()
		for i, err := range errs {
			assert.NoError(t, err, "request %d", i)
		}
		assert.Equal(t, start.Add(2*time.Minute), f.lastSeen(t, s))
	})
}

func TestAuthenticateHonoursContext(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	s := f.create(t, "alice")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sub, err := f.m.Authenticate(ctx, f.request("GET", s.Token.Reveal(), ""))
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, session.ErrStore)
	assert.NotErrorIs(t, err, authn.ErrNoCredentials, "a failure is never taken for anonymous")
	assert.True(t, sub.IsZero())
}
