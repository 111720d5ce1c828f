// Package redisstore keeps sessions in Redis, which expires each of them by
// itself when it dies: every key lives until the session's Expiry (the
// earlier of its absolute expiry and the end of its idle timeout), and
// each recorded use extends it. Any number of processes may share a
// server.
//
//	opts, err := redis.ParseURL("redis://127.0.0.1:6379/0")
//	if err != nil {
//		return err
//	}
//	client := redis.NewClient(opts) // the application's, shared with its other stores
//	store, err := redisstore.New(client)
//	if err != nil {
//		return err
//	}
//	sessions, err := session.New(store, session.Config{})
//
// Every operation is one Lua script, so each is atomic and costs one round
// trip (two the first time after the server has lost its script cache):
// authenticating a request finds the session by its token's hash, checks
// its timeouts against the Manager's clock and records the use, all in
// one EVALSHA. Times to live are the durations the Manager's times imply,
// never read from a clock of the store's own.
//
// Keys, under the prefix ("gatehouse:session:" by default, see
// WithPrefix):
//
//   - token:<hash>, a hash holding the session (id, subject, created, seen,
//     expires, the last three in Unix milliseconds, and methods, the
//     space-separated authentication methods of its login, which a
//     session written before they were recorded lacks and which then
//     read as ""), living until the session's Expiry;
//   - id:<id>, the token hash of the session with that public id, living
//     until the session's absolute expiry;
//   - subject:<subject>, the set of the ids of a subject's sessions, for
//     List and DestroySubject ("log out everywhere"), living as long as
//     the longest-lived of them. Ids of sessions that are gone are pruned
//     whenever a set is read or added to, and by Cleanup.
//
// Manager.Cleanup is not needed to free memory, which Redis does, but it
// prunes every subject's set; run it now and then (daily will do).
//
// Configure the server with maxmemory-policy noeviction (or give it memory
// enough): an evicted session key only logs its user out, but an evicted
// subject set would hide sessions from DestroySubject. On Redis Cluster,
// give a prefix with a hash tag, such as "{gatehouse:session}:": the
// scripts touch several keys at once, which Cluster allows only within
// one slot.
//
// To keep sessions elsewhere, implement session.Store, whose documentation
// is the contract, and run storetest.Run against it in its tests, as this
// package's TestConformance does.
package redisstore
