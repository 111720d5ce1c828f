// Package memstore keeps an access-token revocation list in memory: a
// token.Revocations for tests and for applications of one process, which
// links no database and no network client.
//
//	revocations := memstore.New(memstore.Config{})
//	issuer, err := token.New(token.Config{Issuer: issuerURL, Keys: keys, Revocations: revocations})
//
// What it holds dies with the process, and no other process sees it: an
// application of several replicas, or one whose logouts must outlive a
// restart, uses authn/token/gormstore or authn/token/redisstore instead.
// Every answer comes from memory, under a read lock, so Err is always nil.
//
// A list of one's own implements token.Revocations and passes the suite
// of authn/token/revocationtest, as this one does.
package memstore
