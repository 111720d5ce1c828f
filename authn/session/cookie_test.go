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
		assert.Equal(t, secure, c.Secure)
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

func TestExpiredCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t, session.Config{})
	for _, secure := range []bool{true, false} {
		c := f.m.ExpiredCookie(secure)
		assert.Equal(t, "gatehouse_session", c.Name)
		assert.Empty(t, c.Value)
		assert.Equal(t, "/", c.Path, "same path as the cookie it deletes")
		assert.True(t, c.HttpOnly)
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite)
		assert.Equal(t, secure, c.Secure)
		assert.Equal(t, -1, c.MaxAge)
		assert.True(t, c.Expires.Before(start))
		assert.Contains(t, c.String(), "Max-Age=0")
	}
}
