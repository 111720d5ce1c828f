// Package gormstore keeps an access-token revocation list in a SQL
// database through GORM, and answers from memory: a token.Revocations for
// SQLite, PostgreSQL and MySQL or MariaDB that several processes of an
// application may share.
//
//	revocations, err := gormstore.New(ctx, db, gormstore.Config{Notifier: notifier})
//	if err != nil { … }
//	defer revocations.Close()
//	issuer, err := token.New(token.Config{Issuer: issuerURL, Keys: keys, Revocations: revocations})
//
// New creates its four tables if they are missing, as every process start
// may do at once: gatehouse_revoked_tokens (by jti),
// gatehouse_revoked_families (by refresh family id),
// gatehouse_subject_revocations (each subject's generation) and
// gatehouse_revocation_state (the store's id, revision and the key that
// seals messages between replicas). It then holds every revocation in
// memory, so that verifying a token costs three map lookups and never
// waits on the database: Revoked answers with no round trip at all.
//
// A revocation is committed to the database, then takes effect in memory,
// then, with a Config.Notifier (watch/pgwatch, watch/rediswatch, or
// watch.Local within one process), is published to the other processes,
// which apply it at once. A process that may have missed a message —
// disconnected, or its database not answering — reloads, and until it has,
// Err, Revoked and Generation report an error matching authn.ErrUnavailable
// and its Issuer refuses tokens (fail closed). Without a notifier, each
// process sees the others' revocations after Reload. Cleanup forgets
// revocations whose tokens no Issuer accepts any more; any replica may run
// it.
//
// An application whose processes share a Redis server may prefer
// authn/token/redisstore, which needs no notifier and holds nothing in
// memory; one of a single process, authn/token/memstore. A list of one's
// own implements token.Revocations and passes the suite of
// authn/token/revocationtest, as this one does on every database it
// supports.
package gormstore
