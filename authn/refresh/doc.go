// To keep clients logged in for days while their access tokens live
// minutes, give them a refresh token at login (Tokens.Issue) and exchange it
// for the next one whenever they need a new access token (Tokens.Rotate);
// account.Service.Login and Refresh do both, with the access tokens. Package
// refresh keeps opaque refresh tokens that rotate on every use and detect
// reuse, as the OAuth 2.0 Security Best Current Practice (RFC 9700 §4.14)
// recommends for refresh tokens held by clients that cannot keep a secret.
//
// A login starts a family with Issue. Each Rotate exchanges the family's live
// token for a new one, and the presented token is dead from then on. A dead
// token presented again means two parties held it — the client and a thief —
// so the whole family is revoked and Rotate returns an error matching
// authn.ErrTokenReused, a *ReuseError naming the family: whoever held the
// family must log in again. The access tokens issued with the family are
// not this package's; package account revokes them with it. A family
// also has an absolute lifetime (Config.FamilyLifetime) that no rotation
// extends, so a stolen family cannot be kept alive for ever.
//
// Tokens are "rt_" followed by 32 random bytes in base64url; the store
// holds only their SHA-256, so a copy of it yields no usable token.
// Revoke (logout), RevokeFamily and RevokeSubject (password reset, account
// deletion, an administrator's lock) end families early; Cleanup deletes
// families that have been dead for a day.
//
// Tokens is safe for concurrent use, by one process or many sharing a
// store. Two Rotate calls racing on one token cannot both succeed: the
// loser is treated as reuse and the family dies. A client must therefore
// never send the same refresh token twice, not even to retry a request
// whose answer it lost.
//
// The tokens live in a Store, a small interface whose documentation is its
// contract; each implementation is a package of its own, so that an
// application links only the one it uses, and this package links no
// database:
//
//   - refresh/gormstore keeps them in a SQL database through GORM
//     (SQLite, PostgreSQL, MySQL/MariaDB), in the table
//     gatehouse_refresh_tokens: gormstore.New(ctx, db) creates it if it is
//     missing.
//   - refresh/memstore keeps them in the process's memory, for tests and
//     applications of one process: memstore.New().
//
// For example:
//
//	store, err := gormstore.New(ctx, db)
//	if err != nil {
//		return err
//	}
//	refreshes, err := refresh.New(store, refresh.Config{})
//
// A refresh is one store call, Store.Rotate, which finds the token, tells
// a live one from a used, revoked or expired one with the time it is
// given, and either marks it used and stores its successor or revokes its
// family on reuse, in one atomic step. A store of one's own implements
// Store, keeps that atomicity and the reach of its revocations over
// racing rotations, and passes the conformance suite, once per backend it
// supports:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			data := newEmptyBackend(t) // this test's own data
//			return func(t *testing.T) refresh.Store { return mystore.New(data) }
//		})
//	}
package refresh
