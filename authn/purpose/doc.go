// To send "verify your email" and "reset your password" links, issue a
// token with Tokens.Issue, put it in the link, and spend it with
// Tokens.Consume when the link is followed;
// account.Service.RequestPasswordReset, ResetPassword,
// RequestEmailVerification and VerifyEmail do this for you, given
// account.Config.PasswordResets and EmailVerifications. Package purpose
// issues and checks these short-lived, single-purpose, single-use tokens.
//
// A Tokens serves one purpose (EmailVerification, PasswordReset, or any name
// of your own) with its own HS256 key. Its tokens are JWTs whose header says
// "typ": "<purpose>+jwt" and whose audience is the purpose, so a token made
// for one purpose is refused by every other, even when two purposes share a
// key by mistake, and an access token signed with the same key is refused
// too. Issue ties a token to one subject and, optionally, to a binding: a
// value such as a fingerprint of the current password hash, whose change
// revokes every token bound to the old value. Verify checks a token without
// using it up (to show a reset form); Consume checks it and records its id,
// so that it works once.
//
// Used ids live in a Store, a three-method interface: purpose/gormstore
// keeps them in the SQL table gatehouse_used_purpose_tokens until Cleanup
// forgets those whose tokens can no longer verify; purpose/redisstore in
// Redis keys that expire by themselves (one round trip a check);
// purpose/memstore in memory. A store of your own implements Store and
// passes the conformance suite of purpose/storetest. This package links no
// database: an application links only the store it uses.
//
// A JWT is signed, not encrypted: whoever holds a token can read its
// subject, so use subjects that may appear in an email link. Its binding is
// carried as an HMAC under the purpose's key, which tells the holder nothing
// about the bound value.
//
// Errors match the authn sentinels: authn.ErrTokenExpired for a token whose
// lifetime is over or has not begun, authn.ErrTokenRevoked for one already
// used or whose binding changed, authn.ErrInvalidToken for anything else
// wrong with the token. Any other error (a failing store, matching
// ErrStore, or binding function) is a system error; the token was not
// consumed.
package purpose
