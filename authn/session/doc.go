// Package session keeps server-side sessions behind a cookie, with CSRF
// protection, in the spirit of alexedwards/scs.
//
// A Manager stores sessions in a GORM database (table gatehouse_sessions).
// Create starts one at every login and returns its cookie value — 32 random
// bytes, base64url-encoded, carrying nothing else — of which only a SHA-256
// hash is stored, so a copy of the table lets no one in. Create also destroys
// the session the login request arrived with, so a session id planted in the
// browser before login (session fixation) is worthless after it; and a token
// the store does not know is simply invalid: clients never choose ids.
//
// Authenticate makes a Manager an authn.Authenticator. A session dies when
// unused for IdleTimeout and, whatever its activity, after Lifetime; reads
// record activity at most once per TouchInterval so that they do not all
// become writes. Requests with an unsafe method (POST, PUT, PATCH, DELETE…)
// must also carry the session's CSRF token in a header: a synchroniser token
// derived from the session token by HMAC, so nothing more is stored and
// another site, which can make the browser send the cookie but cannot read
// pages, cannot forge it.
//
// Cookie builds the cookie: HttpOnly, SameSite=Lax, host-only, on
// Config.CookiePath, and named "__Host-gatehouse_session" by default, a
// prefix with which browsers insist the cookie be Secure, on Path "/" and
// with no Domain, so that neither a plain-HTTP page nor a subdomain can
// plant or overwrite it. Browsers accept it on http://localhost; an
// application served over plain HTTP elsewhere names its cookie without
// the prefix.
//
// List shows a subject their live sessions, by public id, and DestroyByID
// lets them end one ("log out that other device"), never another
// subject's. Destroy ends the session of a cookie (logout), DestroySubject
// every session of a subject (password reset, account deletion), and
// Cleanup deletes sessions that have expired. A Manager is safe for
// concurrent use.
package session
