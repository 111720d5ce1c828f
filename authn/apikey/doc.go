// To accept API keys — long-lived secrets that programs send in a header
// (X-API-Key) instead of logging in — create them with Keys.CreateFor and
// authenticate requests with Keys.Authenticator, which account.Service puts
// in its chain when account.Config.APIKeys is set. Package apikey issues,
// stores and verifies them.
//
// A key reads "ghk_<prefix>_<secret>". The scheme "ghk_" lets secret
// scanners and people recognise a gatehouse key; the prefix is eight random
// characters, public, shown in lists so that a user can tell keys apart and
// used to find the key in its store; the secret is 32 random bytes. Create hands the
// whole key to the caller once, as an authn.Secret, and the store keeps only
// its SHA-256 hash: a copy of the database does not let anyone call the API.
// A lost key cannot be shown again; create a new one and revoke the old.
//
// A key outlives the session or token of the request that created it, so
// creating one needs a recent login: CreateFor takes the caller's
// authn.Subject and refuses, with authn.ErrReauthenticationRequired, one
// whose login is older than Config.MaxLoginAge (15 minutes by default), or
// unknown, as an API key's is. Create, for an owner id alone, checks
// nothing and is for administrators' tools.
//
// A key authenticates as its owner: Verify returns a Subject whose ID is the
// owner's id, with Method authn.MethodAPIKey and the key's id as
// CredentialID. The key therefore holds every permission its owner holds,
// now and after any later role change, because package authz decides about
// the owner. Keys carry no scopes of their own; an application that wants a
// narrower key can make the key's id (CredentialID) a subject in its policy.
// Because a key is as strong as its owner's account, delete an account
// together with its keys (RevokeOwner).
//
// Revoked and expired keys stay in the store, and in List, so users can see
// what they had and when it stopped working; Verify refuses them.
//
// Keys live in a Store, a small interface whose documentation is its
// contract; each implementation is a package of its own, so that an
// application links only the one it uses, and this package links no
// database:
//
//   - apikey/gormstore keeps them in a SQL database through GORM (SQLite,
//     PostgreSQL, MySQL/MariaDB), in the table gatehouse_api_keys:
//     gormstore.New(ctx, db) creates it if it is missing.
//   - apikey/memstore keeps them in the process's memory, for tests and
//     applications of one process: memstore.New().
//
// For example:
//
//	store, err := gormstore.New(ctx, db)
//	if err != nil {
//		return err
//	}
//	keys, err := apikey.New(store, apikey.Config{})
//
// Verify asks the store one question, Store.Lookup by the key's prefix,
// and writes to it only when the key's recorded last use is a minute old.
//
// A store of one's own implements Store: Insert refuses a taken id or
// prefix, not found is not an error, Revoke keeps the first revocation
// time, RecordUse writes only over a use older than the time it is given,
// and nothing the caller passes is kept without being copied. Its tests
// pass the conformance suite, once per backend it supports:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			data := newEmptyBackend(t) // this test's own data
//			return func(t *testing.T) apikey.Store { return mystore.New(data) }
//		})
//	}
package apikey
