package session

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The cookie name prefixes browsers enforce (RFC 6265bis, "Cookie Name
// Prefixes"), matched regardless of case as recent browsers match them.
const (
	// hostPrefix requires Secure, Path "/" and no Domain.
	hostPrefix = "__Host-"
	// securePrefix requires Secure.
	securePrefix = "__Secure-"
)

// maxCookiePathLen is the longest Path attribute browsers keep (RFC 6265bis
// limits attribute values to 1024 bytes).
const maxCookiePathLen = 1024

// Cookie returns the cookie that carries s to the browser. It is HttpOnly,
// so scripts (and script injected by an attacker) cannot read the token;
// SameSite=Lax, so other sites' forms and scripts do not send it on unsafe
// requests; host-only, with no Domain, so subdomains never receive it; and
// scoped to Config.CookiePath. It expires with the session's absolute
// expiry, never later; a session already past it yields a cookie that
// deletes itself.
//
// Pass secure=true when the request came over TLS, so that the browser never
// sends the cookie over plain HTTP. A cookie whose name has the "__Host-"
// or "__Secure-" prefix, as the default name has, is Secure whatever
// secure says, because browsers drop it otherwise; they accept it on
// http://localhost too. Pass false only for a name without the prefix
// served over plain HTTP (see Config.CookieName).
func (m *Manager) Cookie(s Session, secure bool) *http.Cookie {
	maxAge := int(s.ExpiresAt.Sub(m.now()) / time.Second)
	if maxAge <= 0 {
		return m.ExpiredCookie(secure)
	}
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    s.Token.Reveal(),
		Path:     m.cfg.CookiePath,
		Expires:  s.ExpiresAt.UTC(),
		MaxAge:   maxAge,
		Secure:   secure || requiresSecure(m.cfg.CookieName),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// ExpiredCookie returns a cookie that makes the browser delete the session
// cookie, for logout after Destroy. Its attributes match Cookie's, since a
// browser deletes only the cookie with the same name, path and domain, and
// ignores a prefixed one that is not Secure; secure means what it means for
// Cookie.
func (m *Manager) ExpiredCookie(secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    "",
		Path:     m.cfg.CookiePath,
		Expires:  time.Unix(0, 0).UTC(),
		MaxAge:   -1,
		Secure:   secure || requiresSecure(m.cfg.CookieName),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// hasPrefix reports whether name starts with prefix, ignoring case.
func hasPrefix(name, prefix string) bool {
	return len(name) >= len(prefix) && strings.EqualFold(name[:len(prefix)], prefix)
}

// hasHostPrefix reports whether browsers treat name as a "__Host-" cookie.
func hasHostPrefix(name string) bool { return hasPrefix(name, hostPrefix) }

// requiresSecure reports whether browsers drop a cookie named name unless
// it is Secure.
func requiresSecure(name string) bool {
	return hasHostPrefix(name) || hasPrefix(name, securePrefix)
}

// checkCookiePath refuses a Path attribute that could not do its job as
// written. Browsers match it, as a prefix, against the path of the request
// URL as sent, in which every other byte is percent-encoded; so the path
// must start with "/" and be made of the characters RFC 3986 allows in a
// URL path (letters, digits, "-._~!$&'()*+,=:@/" and %XX escapes), save
// ";", which would end the attribute and start another; and, as browsers
// ignore longer attribute values, be at most 1024 bytes.
func checkCookiePath(path string) error {
	if !strings.HasPrefix(path, "/") {
		return errors.New(`does not start with "/"`)
	}
	if len(path) > maxCookiePathLen {
		return fmt.Errorf("is longer than %d bytes", maxCookiePathLen)
	}
	for i := 0; i < len(path); i++ {
		c := path[i]
		switch {
		case c == '%':
			if i+2 >= len(path) || !isHex(path[i+1]) || !isHex(path[i+2]) {
				return fmt.Errorf("has %q at byte %d not followed by two hex digits", c, i)
			}
			i += 2
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			strings.IndexByte("-._~!$&'()*+,=:@/", c) >= 0:
		default:
			return fmt.Errorf("has %q at byte %d: only letters, digits, %q and %%XX escapes may appear in a cookie path",
				c, i, "-._~!$&'()*+,=:@/")
		}
	}
	return nil
}

// isHex reports whether c is a hex digit, of either case.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
