package session_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/memstore"
)

func TestNewRefusesBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  session.Config
	}{
		{"negative idle timeout", session.Config{IdleTimeout: -time.Minute}},
		{"negative lifetime", session.Config{Lifetime: -time.Hour}},
		{"sub-second idle timeout", session.Config{IdleTimeout: time.Millisecond}},
		{"sub-second lifetime", session.Config{Lifetime: 999 * time.Millisecond}},
		{"negative touch interval", session.Config{TouchInterval: -time.Second}},
		{"touch interval as long as idle timeout", session.Config{IdleTimeout: time.Minute, TouchInterval: time.Minute}},
		{"touch interval longer than default idle timeout", session.Config{TouchInterval: time.Hour}},
		{"cookie name with space", session.Config{CookieName: "my session"}},
		{"cookie name with equals", session.Config{CookieName: "a=b"}},
		{"cookie name non-ASCII", session.Config{CookieName: "séance"}},
		{"cookie path relative", session.Config{CookieName: "sid", CookiePath: "app"}},
		{"cookie path with semicolon", session.Config{CookieName: "sid", CookiePath: "/app;Domain=example.com"}},
		{"cookie path with space", session.Config{CookieName: "sid", CookiePath: "/my app"}},
		{"cookie path with newline", session.Config{CookieName: "sid", CookiePath: "/app\r\nSet-Cookie: x=y"}},
		{"cookie path with NUL", session.Config{CookieName: "sid", CookiePath: "/app\x00"}},
		{"cookie path with DEL", session.Config{CookieName: "sid", CookiePath: "/app\x7f"}},
		{"cookie path non-ASCII", session.Config{CookieName: "sid", CookiePath: "/café"}},
		{"cookie path with query", session.Config{CookieName: "sid", CookiePath: "/app?x=1"}},
		{"cookie path with fragment", session.Config{CookieName: "sid", CookiePath: "/app#top"}},
		{"cookie path with quote", session.Config{CookieName: "sid", CookiePath: `/"app"`}},
		{"cookie path with backslash", session.Config{CookieName: "sid", CookiePath: `/app\admin`}},
		{"cookie path with broken escape", session.Config{CookieName: "sid", CookiePath: "/app%2"}},
		{"cookie path with non-hex escape", session.Config{CookieName: "sid", CookiePath: "/app%zz"}},
		{"cookie path over 1024 bytes", session.Config{CookieName: "sid", CookiePath: "/" + strings.Repeat("a", 1024)}},
		{"narrow path with the default __Host- name", session.Config{CookiePath: "/app"}},
		{"narrow path with a __Host- name", session.Config{CookieName: "__Host-sid", CookiePath: "/app/"}},
		{"narrow path with a __host- name in lower case", session.Config{CookieName: "__host-sid", CookiePath: "/app"}},
		{"header name with colon", session.Config{CSRFHeader: "X-CSRF:"}},
		{"header name with newline", session.Config{CSRFHeader: "X-CSRF\nInjected"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := session.New(memstore.New(), tt.cfg)
			assert.ErrorIs(t, err, session.ErrInvalidConfig)
			assert.Nil(t, m)
		})
	}

	m, err := session.New(nil, session.Config{})
	assert.ErrorIs(t, err, session.ErrInvalidConfig, "a nil store")
	assert.Nil(t, m)
}

func TestNewDefaultsAndNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cfg        session.Config
		cookie     string
		cookiePath string
		csrfHeader string
	}{
		{"defaults", session.Config{}, "__Host-gatehouse_session", "/", "X-CSRF-Token"},
		{"custom", session.Config{CookieName: "__Host-sid", CSRFHeader: "X-XSRF-Token"}, "__Host-sid", "/", "X-XSRF-Token"},
		{"__Host- name with path /", session.Config{CookieName: "__Host-sid", CookiePath: "/"}, "__Host-sid", "/", "X-CSRF-Token"},
		{"plain-HTTP name", session.Config{CookieName: "gatehouse_session"}, "gatehouse_session", "/", "X-CSRF-Token"},
		{"narrow path", session.Config{CookieName: "sid", CookiePath: "/app"}, "sid", "/app", "X-CSRF-Token"},
		{"narrow path with a __Secure- name", session.Config{CookieName: "__Secure-sid", CookiePath: "/app/"}, "__Secure-sid", "/app/", "X-CSRF-Token"},
		{"path with every allowed character", session.Config{CookieName: "sid", CookiePath: "/a-z.A_Z~0/9!$&'()*+,=:@%2Fx%c3%a9"},
			"sid", "/a-z.A_Z~0/9!$&'()*+,=:@%2Fx%c3%a9", "X-CSRF-Token"},
		{"path of 1024 bytes", session.Config{CookieName: "sid", CookiePath: "/" + strings.Repeat("a", 1023)},
			"sid", "/" + strings.Repeat("a", 1023), "X-CSRF-Token"},
		// A short idle timeout shortens the default touch interval with it
		// rather than making the zero Config invalid.
		{"short idle timeout", session.Config{IdleTimeout: time.Minute}, "__Host-gatehouse_session", "/", "X-CSRF-Token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := session.New(memstore.New(), tt.cfg)
			require.NoError(t, err)
			assert.Equal(t, tt.cookie, m.CookieName())
			assert.Equal(t, tt.csrfHeader, m.CSRFHeader())
			assert.Equal(t, tt.cookiePath, m.ExpiredCookie(false).Path)
		})
	}
}

func TestDefaultTimeouts(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, b backend) {
		f := newFixtureOn(t, b, session.Config{})
		s := f.create(t, "alice")
		assert.Equal(t, start, s.CreatedAt)
		assert.Equal(t, start.Add(24*time.Hour), s.ExpiresAt, "default lifetime")

		f.clock.Advance(59 * time.Second)
		_, err := f.get(s.Token.Reveal())
		require.NoError(t, err)
		assert.Equal(t, start, f.lastSeen(t, s), "default touch interval is a minute")
		f.clock.Advance(time.Second)
		sub, err := f.get(s.Token.Reveal())
		require.NoError(t, err)
		assert.Equal(t, start.Add(time.Minute), f.lastSeen(t, s))
		assert.Equal(t, start.Add(31*time.Minute), sub.ExpiresAt, "default idle timeout")
	})
}
