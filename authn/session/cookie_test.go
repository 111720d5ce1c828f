package session_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

func TestCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{CookieName: "sid", Lifetime: 2 * time.Hour})
	s := f.create(t, "alice")
	for _, secure := range []bool{true, false} {
		c := f.m.Cookie(s, secure)
		assert.Equal(t, "sid", c.Name)
		assert.Equal(t, s.Token.Reveal(), c.Value)
		assert.Equal(t, "/", c.Path)
		assert.Empty(t, c.Domain, "host-only")
		assert.True(t, c.HttpOnly)
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
		assert.Equal(t, secure, c.Secure, "a name without a prefix is Secure as asked")
		assert.Equal(t, s.ExpiresAt, c.Expires)
		assert.Equal(t, 7200, c.MaxAge)
		require.NoError(t, c.Valid())

		header := c.String()
		assert.Contains(t, header, "HttpOnly")
		assert.Contains(t, header, "SameSite=Lax")
		assert.Contains(t, header, "Max-Age=7200")
		if secure {
			assert.Contains(t, header, "; Secure")
		} else {
			assert.NotContains(t, header, "Secure")
		}
	}

	f.clock.Advance(90*time.Minute + 500*time.Millisecond)
	assert.Equal(t, 1799, f.m.Cookie(s, true).MaxAge, "counts down to the absolute expiry, never past it")
	f.clock.Advance(30 * time.Minute)
	past := f.m.Cookie(s, true)
	assert.Equal(t, -1, past.MaxAge, "a cookie for an expired session deletes itself")
	assert.Empty(t, past.Value)
}

// A cookie named with a prefix browsers enforce is built so that they
// accept it: Secure whatever the caller says, and for "__Host-" on Path "/"
// with no Domain. The cookie that deletes it must be too, or the browser
// ignores the deletion and the cookie outlives the logout.
func TestCookiePrefixes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		cfg          session.Config
		wantName     string
		wantPath     string
		alwaysSecure bool // Secure even when the caller passes secure=false
	}{
		{"default name", session.Config{}, "__Host-gatehouse_session", "/", true},
		{"__Host- name", session.Config{CookieName: "__Host-sid"}, "__Host-sid", "/", true},
		{"__host- in lower case", session.Config{CookieName: "__host-sid"}, "__host-sid", "/", true},
		{"__Secure- name", session.Config{CookieName: "__Secure-sid"}, "__Secure-sid", "/", true},
		{"__SECURE- in upper case", session.Config{CookieName: "__SECURE-sid"}, "__SECURE-sid", "/", true},
		{"__Secure- name on a narrow path", session.Config{CookieName: "__Secure-sid", CookiePath: "/app"}, "__Secure-sid", "/app", true},
		{"plain name", session.Config{CookieName: "gatehouse_session"}, "gatehouse_session", "/", false},
		{"plain name on a narrow path", session.Config{CookieName: "sid", CookiePath: "/app/v1"}, "sid", "/app/v1", false},
		{"prefix without its dash", session.Config{CookieName: "__Hostsid"}, "__Hostsid", "/", false},
		{"prefix not at the start", session.Config{CookieName: "my__Host-sid"}, "my__Host-sid", "/", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tt.cfg)
			s := f.create(t, "alice")
			for _, secure := range []bool{true, false} {
				wantSecure := secure || tt.alwaysSecure
				for kind, c := range map[string]*http.Cookie{"cookie": f.m.Cookie(s, secure), "expired cookie": f.m.ExpiredCookie(secure)} {
					assert.Equal(t, tt.wantName, c.Name, "%s, secure=%v", kind, secure)
					assert.Equal(t, tt.wantPath, c.Path, "%s, secure=%v", kind, secure)
					assert.Empty(t, c.Domain, "%s, secure=%v", kind, secure)
					assert.Equal(t, wantSecure, c.Secure, "%s, secure=%v", kind, secure)
					require.NoError(t, c.Valid())

					// What the browser receives, read back.
					got, err := http.ParseSetCookie(c.String())
					require.NoError(t, err)
					assert.Equal(t, tt.wantPath, got.Path, "%s, secure=%v", kind, secure)
					assert.Equal(t, wantSecure, got.Secure, "%s, secure=%v", kind, secure)
					assert.Empty(t, got.Domain)
				}
			}
		})
	}
}

func TestExpiredCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{CookieName: "sid", CookiePath: "/app"})
	for _, secure := range []bool{true, false} {
		c := f.m.ExpiredCookie(secure)
		assert.Equal(t, "sid", c.Name)
		assert.Empty(t, c.Value)
		assert.Equal(t, "/app", c.Path, "same path as the cookie it deletes")
		assert.True(t, c.HttpOnly)
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
		assert.Equal(t, secure, c.Secure)
		assert.Equal(t, -1, c.MaxAge)
		assert.True(t, c.Expires.Before(start))
		assert.Contains(t, c.String(), "Max-Age=0")
	}
}
