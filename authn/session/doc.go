// To log browsers in with a cookie rather than hand them tokens, start a
// session at login with Manager.Create, set the cookie of Manager.Cookie on
// the response, and authenticate later requests with the Manager, which is
// an authn.Authenticator; account.Service.StartSession checks the password,
// with throttling, before it creates one. Package session keeps server-side
// sessions behind a cookie, with CSRF protection, in the spirit of
// alexedwards/scs.
//
// A Manager keeps sessions in a Store. Create starts one at every login and
// returns its cookie value — 32 random bytes, base64url-encoded, carrying
// nothing else — of which only a SHA-256 hash is stored, so a copy of the
// store lets no one in. Create also destroys the session the login request
// arrived with, so a session id planted in the browser before login
// (session fixation) is worthless after it; and a token the store does not
// know is simply invalid: clients never choose ids. Create is told the
// login's authentication methods (authn.AMRPassword, and a second
// factor's), which the session keeps and Authenticate hands on as
// authn.Subject.AMR and ACR, so that authn.Subject.RequireMFA can tell a
// session begun with a second factor from one begun with a password.
//
// Authenticate makes a Manager an authn.Authenticator. A session dies when
// unused for IdleTimeout and, whatever its activity, after Lifetime; reads
// record activity at most once per TouchInterval so that they do not all
// become writes. Each request costs one call to the store, which finds the
// session, checks its timeouts and records the activity together.
// Requests with an unsafe method (POST, PUT, PATCH, DELETE…) must also
// carry the session's CSRF token in a header: a synchroniser token derived
// from the session token by HMAC, so nothing more is stored and another
// site, which can make the browser send the cookie but cannot read pages,
// cannot forge it.
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
//
// # Stores
//
// The store is chosen when the Manager is built, and each lives in a
// package of its own, so that an application links only the one it uses:
//
//   - session/gormstore keeps sessions in a GORM database (SQLite,
//     PostgreSQL, MySQL/MariaDB), in the table gatehouse_sessions:
//     gormstore.New(ctx, db) creates it if it is missing.
//   - session/redisstore keeps them in Redis, which expires them by
//     itself: redisstore.New(client).
//   - session/memstore keeps them in the process's memory, for tests and
//     applications of one process: memstore.New().
//
// For example:
//
//	store, err := gormstore.New(ctx, db)
//	if err != nil {
//		return err
//	}
//	sessions, err := session.New(store, session.Config{})
//
// A store of one's own implements Store, whose documentation is the
// contract: Touch finds, checks and slides a session in one atomic step,
// Create replaces the previous session atomically, not found is not an
// error, and nothing the caller passes is kept without being copied.
// Record.Live and Use.Due state the rules of time it applies with the times
// it is given. Its tests pass the conformance suite, once per backend it
// supports:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			data := newEmptyBackend(t) // this test's own data
//			return func(t *testing.T) session.Store { return mystore.New(data) }
//		})
//	}
package session
