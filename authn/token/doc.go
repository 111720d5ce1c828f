// To accept JWT access tokens — the short-lived credential a client sends
// as "Authorization: Bearer …" after logging in — build an Issuer with New,
// sign a token for a subject with Issuer.Issue, and authenticate requests
// with Issuer.Authenticator; account.Service.Login issues them together with
// a refresh token. Package token issues and verifies JWT access tokens (RFC
// 9068) and revokes them before they expire.
//
// Tokens are short-lived (Config.TTL, 15 minutes by default) and verified on
// every request. A token says who the caller is and nothing more: roles are
// never put in tokens, because the policy in package authz is the one
// source of truth and a role change must apply to the next request, not to
// the next login. An application with tenants may add where the caller
// works, in a string claim of its own (Config.CustomClaims, Claim) that
// guard.TenantFromClaim reads; the policy still decides whether the caller
// is a member there, and what they may do.
//
// Keys are named by a key id (kid) carried in each token's header. An Issuer
// may hold several keys at once, signing with one and verifying with all, so
// keys rotate without logging anybody out: add the new key, make it the
// SigningKey, and drop the old one once its last tokens have expired. Verify
// never trusts the algorithm a token names: it looks up the key by kid (or,
// without one, takes the only key there is) and accepts only that key's
// algorithm, which shuts out "alg":"none" and the confusion of an RSA
// public key with an HMAC secret. Nor does it let a token be read two
// ways: a member named twice, a claim in another case, a time written as a
// string, all are refused; and no token may claim to live longer than
// Config.MaxLifetime.
//
// Tokens are verified without a database, so revoking one before it
// expires needs Revocations: a list of revoked token ids, of revoked
// refresh families (whose tokens carry the family's id, see Family) and,
// per subject, a revocation generation that invalidates every token the
// subject was issued before it. Revocations is a small interface whose
// comment is its contract; Verify asks it one question per token, and
// while it cannot answer, tokens are refused with authn.ErrUnavailable
// (fail closed), never accepted. Plug in the implementation that suits
// the application, each in its own package so that only the one used is
// linked:
//
//   - authn/token/memstore keeps the list in memory, for tests and
//     applications of one process;
//   - authn/token/gormstore keeps it in a SQL database (SQLite,
//     PostgreSQL, MySQL or MariaDB) and answers from memory, so that
//     verifying a token never waits on the database; replicas sharing a
//     watch.Notifier tell each other of every revocation as it is made;
//   - authn/token/redisstore keeps it on a Redis server every process
//     shares, and answers in one round trip.
//
// Whichever it is, the Issuer takes it in its Config:
//
//	revocations := memstore.New(memstore.Config{})
//	issuer, err := token.New(token.Config{Issuer: "https://auth.example.com", Keys: keys, Revocations: revocations})
//
// A list of one's own implements Revocations, checks its input with
// ValidateTokenRevocation, ValidateFamilyRevocation and
// ValidateSubjectRevocation, and passes the conformance suite of
// authn/token/revocationtest, as the three above do. Package token itself
// links no database driver, no Redis client and no replication.
package token
