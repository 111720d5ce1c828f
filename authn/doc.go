// To find out who is calling — a user who logged in with a password, a
// program with an API key, a browser with a session cookie — build an
// account.Service from the sub-packages below and put its Authenticator in
// front of the routes, as the guard of package adapters/guard and the
// net/http, Gin and Fiber adapters do; package stack builds all of it from
// one database. Package authn answers "who is calling": whatever the
// credential, it turns it into a Subject, which package authz then judges.
//
// This package holds what every kind of credential shares: the Subject, the
// Authenticator interface that bearer tokens, API keys, session cookies and
// client certificates implement, the Chain that tries them in order, the
// errors adapters map to HTTP statuses, ConnectionCredentials for what a
// request's connection proves, and Secret, the type credentials travel in
// so that logging them prints "[REDACTED]". Each kind of credential lives
// in a sub-package:
//
//   - password: hashing with argon2id (default) or bcrypt, and password rules;
//   - users: accounts, registration and login with email and password, kept
//     in a Store (users/gormstore in a SQL database, users/memstore in
//     memory);
//   - token: JWT access tokens (RFC 9068) signed with rotating keys, and their
//     revocation;
//   - refresh: opaque refresh tokens that rotate on use, with reuse detection;
//   - apikey: API keys, hashed at rest;
//   - clientcert: TLS client certificates (mutual TLS), verified in the
//     handshake or forwarded by a trusted proxy;
//   - session: server-side cookie sessions with CSRF protection;
//   - purpose: single-purpose tokens for email verification and password
//     reset;
//   - throttle: login throttling per account and client address;
//   - account: the flows that compose them (login, refresh, logout,
//     sessions, password reset, locking and deleting users);
//   - external: access tokens of external OpenID providers, verified with
//     their discovered, rotating keys;
//   - oidclogin: logins at an external OpenID provider (the code flow with
//     PKCE), ending in a session;
//   - identity: the links of provider subjects to local users, made on
//     first sight if wanted.
//
// Roles never travel in credentials: the policy store is the one source of
// truth, so a role change applies to the caller's next request without a new
// login.
//
// No package here keeps memory it does not own: what outlives a call (a
// revoked token id, a subject's revocation generation, a cache entry) is
// copied or derived first, and a Subject's strings come from the verifier
// or the store, not from the request. Strings that alias a buffer the
// caller reuses — fasthttp's and Fiber's request values — are safe to pass
// as they are, without Fiber's Immutable setting.
package authn
