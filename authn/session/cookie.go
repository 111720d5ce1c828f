package session

import (
	"net/http"
	"time"
)

// Cookie returns the cookie that carries s to the browser. It is HttpOnly,
// so scripts (and script injected by an attacker) cannot read the token;
// SameSite=Lax, so other sites' forms and scripts do not send it on unsafe
// requests; and scoped to Path "/". It expires with the session's absolute
// expiry, never later; a session already past it yields a cookie that
// deletes itself.
//
// Pass secure=true when the request came over TLS, so that the browser never
// sends the cookie over plain HTTP; pass false only for local development
// over http://, where browsers drop Secure cookies.
func (m *Manager) Cookie(s Session, secure bool) *http.Cookie {
	maxAge := int(s.ExpiresAt.Sub(m.now()) / time.Second)
	if maxAge <= 0 {
		return m.ExpiredCookie(secure)
	}
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    s.Token.Reveal(),
		Path:     "/",
		Expires:  s.ExpiresAt.UTC(),
		MaxAge:   maxAge,
		Secure:   secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// ExpiredCookie returns a cookie that makes the browser delete the session
// cookie, for logout after Destroy. Its attributes match Cookie's, since a
// browser deletes only the cookie with the same name, path and domain.
func (m *Manager) ExpiredCookie(secure bool) *http.Cookie {
	return &http.Cookie{
		Name:     m.cfg.CookieName,
		Value:    "",
		Path:     "/",
		Expires:  time.Unix(0, 0).UTC(),
		MaxAge:   -1,
		Secure:   secure,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}
