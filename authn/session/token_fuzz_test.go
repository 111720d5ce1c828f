package session

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// A session cookie value is accepted only as the one spelling of 32 bytes
// in base64url without padding: decodeToken's bytes encode back to the
// value. CSRFToken gives a token exactly for such values, and validCSRF
// accepts exactly that token as the CSRF header, nothing else. Whatever the
// cookie and header hold, none of this panics.
func FuzzSessionToken(f *testing.F) {
	const good = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for _, seed := range [][2]string{
		{good, ""},
		{good, csrfFor(make([]byte, tokenBytes))},
		{good, csrfFor(make([]byte, tokenBytes)) + "="},
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", "x"},
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "x"},
		{"AAAAAAAAAAAAAAAAAAAAA\nAAAAAAAAAAAAAAAAAAAAA", "x"},
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x"},
		{"+/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x"},
		{"", ""},
	} {
		f.Add(seed[0], seed[1])
	}
	m := &Manager{}
	f.Fuzz(func(t *testing.T, cookie, header string) {
		raw, ok := decodeToken(cookie)
		csrf := m.CSRFToken(cookie).Reveal()
		if !ok {
			if csrf != "" {
				t.Fatalf("CSRFToken of malformed %q is %q", cookie, csrf)
			}
			return
		}
		if len(raw) != tokenBytes || base64.RawURLEncoding.EncodeToString(raw) != cookie {
			t.Fatalf("accepted %q, not the one spelling of %d bytes", cookie, tokenBytes)
		}
		if csrf == "" || csrf != csrfFor(raw) || !validCSRF(raw, csrf) {
			t.Fatalf("cookie %q: CSRF token %q does not check", cookie, csrf)
		}
		if validCSRF(raw, header) != (header == csrf) {
			t.Fatalf("cookie %q: CSRF header %q judged %v, the token is %q", cookie, header, validCSRF(raw, header), csrf)
		}
	})
}

// Every token newToken could draw survives the trip through a Set-Cookie
// header and a Cookie header unchanged, under any cookie name Config
// accepts, and decodes back to its bytes. A name Config accepts is one
// net/http will write, and one whose prefix browsers enforce gets a cookie
// they accept: Secure, and for "__Host-" on Path "/", even when the caller
// passes secure=false.
func FuzzSessionCookie(f *testing.F) {
	f.Add(bytes.Repeat([]byte{0xfb}, tokenBytes), "")
	f.Add([]byte("a session"), "__Host-sid")
	f.Add([]byte{}, "sid;x")
	f.Add([]byte{1}, "s\u00e9ance")
	f.Fuzz(func(t *testing.T, raw []byte, name string) {
		raw = append(raw, make([]byte, tokenBytes)...)[:tokenBytes]
		value := base64.RawURLEncoding.EncodeToString(raw)
		cfg, err := Config{CookieName: name}.resolve()
		if err != nil {
			return
		}
		m := &Manager{cfg: cfg}
		sent := m.Cookie(Session{Token: authn.Secret(value), ExpiresAt: m.now().Add(time.Hour)}, false)
		if err := sent.Valid(); err != nil {
			t.Fatalf("Config accepted cookie name %q, which net/http refuses: %v", name, err)
		}
		set, err := http.ParseSetCookie(sent.String())
		if err != nil || set.Name != cfg.CookieName || set.Value != value {
			t.Fatalf("Set-Cookie %q read back as %+v, %v", sent.String(), set, err)
		}
		lower := strings.ToLower(cfg.CookieName)
		host, secure := strings.HasPrefix(lower, "__host-"), strings.HasPrefix(lower, "__secure-")
		if (host || secure) && !set.Secure || host && (set.Path != "/" || set.Domain != "") {
			t.Fatalf("Set-Cookie %q: browsers refuse it", sent.String())
		}
		req := &http.Request{Header: http.Header{"Cookie": {set.Name + "=" + set.Value}}}
		got, err := req.Cookie(cfg.CookieName)
		if err != nil || got.Value != value {
			t.Fatalf("Cookie header gave %+v, %v; want %q", got, err, value)
		}
		if back, ok := decodeToken(got.Value); !ok || !bytes.Equal(back, raw) {
			t.Fatalf("cookie value %q did not decode to its bytes", got.Value)
		}
	})
}
