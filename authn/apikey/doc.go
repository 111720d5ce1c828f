// Package apikey issues, stores and verifies API keys: long-lived secrets
// that programs send in a request header instead of logging in.
//
// A key reads "ghk_<prefix>_<secret>". The scheme "ghk_" lets secret
// scanners and people recognise a gatehouse key; the prefix is eight random
// characters, public, shown in lists so that a user can tell keys apart and
// used to find the key's row; the secret is 32 random bytes. Create hands the
// whole key to the caller once, as an authn.Secret, and the Store keeps only
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
// Revoked and expired keys stay in the table, and in List, so users can see
// what they had and when it stopped working; Verify refuses them.
package apikey
