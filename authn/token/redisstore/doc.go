// Package redisstore keeps an access-token revocation list on a Redis
// server: a token.Revocations that every process of an application shares,
// so that a revocation made by one holds on all the others at once, with
// no notifier and no memory to keep current.
//
//	opts, err := redis.ParseURL(os.Getenv("REDIS_URL"))
//	if err != nil { … }
//	revocations, err := redisstore.New(redis.NewClient(opts), redisstore.Config{})
//	if err != nil { … }
//	issuer, err := token.New(token.Config{Issuer: issuerURL, Keys: keys, Revocations: revocations})
//
// Each revocation is one key under Config.Prefix ("gatehouse:token:" by
// default): "jti:" and the token id, "sid:" and the refresh family id,
// each holding the expiry it was revoked until and set to expire by
// itself token.MaxLeeway after it, so nothing needs cleaning up; and
// "gen:" and the subject, the subject's generation, a counter raised with
// INCR, which never expires. Verifying a token costs one round trip, an
// MGET of its id's, its family's and its subject's keys; a revocation
// costs one, a script that keeps the later of two expiry times, or an
// INCR.
//
// Times to live are computed from the expiry the caller gives and the
// time Config.Now tells, never from the server's clock, so a test's fake
// clock governs them as it governs the tokens. While the server does not
// answer, Revoked and Generation fail and the Issuer refuses tokens with
// authn.ErrUnavailable (fail closed); Err is always nil, since every call
// asks the server.
//
// On Redis Cluster, or with a client-side sharded redis.Ring, every key
// must live on one shard for MGET to read them in one command: give the
// prefix a hash tag, such as "{gatehouse:token}:". New refuses a cluster
// or ring client whose prefix has none.
//
// A list of one's own implements token.Revocations and passes the suite
// of authn/token/revocationtest, as this one does.
package redisstore
