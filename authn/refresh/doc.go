// Package refresh keeps opaque refresh tokens that rotate on every use and
// detect reuse, as the OAuth 2.0 Security Best Current Practice (RFC 9700
// §4.14) recommends for refresh tokens held by clients that cannot keep a
// secret.
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
// Tokens are "rt_" followed by 32 random bytes in base64url; the database
// holds only their SHA-256, so a copy of the table yields no usable token.
// Revoke (logout), RevokeFamily and RevokeSubject (password reset, account
// deletion, an administrator's lock) end families early; Cleanup deletes
// families that have been dead for a day.
//
// A Store is safe for concurrent use, by one process or many sharing a
// database. Two Rotate calls racing on one token cannot both succeed: the
// loser is treated as reuse and the family dies. A client must therefore
// never send the same refresh token twice, not even to retry a request
// whose answer it lost.
package refresh
