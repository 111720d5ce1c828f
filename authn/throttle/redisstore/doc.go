// Package redisstore keeps a throttle.Limiter's counts in Redis, through a
// go-redis client the application opens and closes: every process using
// the Redis shares the counts, and they last as long as the failures
// count, for the Window.
//
//	client := redis.NewClient(&redis.Options{Addr: "cache:6379"}) // or from redis.ParseURL
//	store, err := redisstore.New(client, redisstore.Config{})     // Prefix: "gatehouse:throttle:"
//	if err != nil { … }
//	limiter, err := throttle.New(store, throttle.Config{})
//
// Each key (account or address) is two sorted sets scored by time: its
// failures and its attempts in progress. Reserve is one Lua script, so it
// counts and reserves as one step on the server, whichever process calls
// it, in one round trip; so are the ends of an attempt, Check and
// RecordFailure (Script.Run sends the script itself once more when a
// server has not seen it yet). Times come from the Limiter's clock, never
// the server's: a set expires a Window after its last write, and the
// scripts compare entries with the time they are given.
//
// Cleanup is not needed: sets expire, and Reserve drops the entries of its
// keys that have left the window. It remains for the entries of sets that
// are still alive; it scans the prefix's keys.
//
// On Redis Cluster, or a Ring, give a prefix with a hash tag (Config.Prefix)
// so that an account's and an address's sets are on one server: New
// refuses one without.
//
// A store of one's own implements throttle.Store and passes the
// conformance suite of package throttle/storetest, as this one does.
package redisstore
