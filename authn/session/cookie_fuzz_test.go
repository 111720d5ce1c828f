package session

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// A cookie path Config accepts reaches the browser as written, in both the
// cookie and the one that deletes it: net/http drops no byte of it, nothing
// in it starts another attribute, and it is a URL path as browsers send
// it, so it can match requests. With a "__Host-" name, only "/" is
// accepted.
func FuzzCookiePath(f *testing.F) {
	for _, seed := range [][2]string{
		{"", "/"},
		{"sid", "/app"},
		{"sid", "/app/v1/"},
		{"sid", "/a%2Fb"},
		{"__Secure-sid", "/app"},
		{"__Host-sid", "/app"},
		{"__host-sid", "/app"},
		{"sid", "/app;Domain=example.com"},
		{"sid", "/a b"},
		{"sid", "/caf\u00e9"},
		{"sid", "/%zz"},
		{"sid", "/a?b#c"},
		{"sid", "app"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, name, path string) {
		cfg, err := Config{CookieName: name, CookiePath: path}.resolve()
		if err != nil {
			return
		}
		if path == "" {
			path = "/"
		}
		if strings.HasPrefix(strings.ToLower(cfg.CookieName), "__host-") && path != "/" {
			t.Fatalf("Config accepted path %q for cookie %q", path, cfg.CookieName)
		}
		u, err := url.Parse("https://example.com" + path)
		if err != nil || u.EscapedPath() != path || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("Config accepted path %q, which a URL carries as %q (%v)", path, u, err)
		}
		m := &Manager{cfg: cfg}
		token := authn.Secret(strings.Repeat("A", tokenLen))
		for _, sent := range []*http.Cookie{
			m.Cookie(Session{Token: token, ExpiresAt: m.now().Add(time.Hour)}, false),
			m.ExpiredCookie(false),
		} {
			if err := sent.Valid(); err != nil {
				t.Fatalf("Config accepted path %q, which net/http refuses: %v", path, err)
			}
			set, err := http.ParseSetCookie(sent.String())
			if err != nil || set.Path != path || set.Name != cfg.CookieName || len(set.Unparsed) > 0 {
				t.Fatalf("Set-Cookie %q read back as %+v, %v", sent.String(), set, err)
			}
		}
	})
}
