// To run several replicas of an application on one database, and have a
// policy edit or a token revocation made on one govern every replica within
// moments, give every replica a Notifier on a server they share —
// pgwatch.New on PostgreSQL, rediswatch.New on Redis — and hand it to the
// parts that keep state in memory: authz.WithNotifier for the policy
// engine, and the Notifier of authn/token/gormstore's Config for revoked
// access tokens; package stack does both with its Config.Notifier. Package
// watch carries change notifications between the replicas of an
// application that share one store, so that an edit made on one replica
// governs every replica within moments.
//
// A Notifier is the transport: PostgreSQL LISTEN/NOTIFY (package
// watch/pgwatch) or Redis pub/sub (package watch/rediswatch), or Local for
// replicas within one process. A Follower keeps one replica's in-memory
// state (the policy of an authz.Engine, the revocations of an
// authn/token/gormstore.Store) current: it applies peers' messages as they
// arrive, reloads everything after the notifier reconnects, since messages
// may have been missed meanwhile, and checks the store at a steady
// interval in case a message was lost. While it cannot vouch for its state it reports an
// error, and the state's owner refuses to decide on it: decisions fail
// closed.
//
// Package watch/casbinwatch wraps a Notifier as a Casbin
// persist.WatcherEx, for applications that use a casbin.Enforcer of their
// own; watch itself links no Casbin.
//
// Notifiers keep no memory they do not own: a channel name or payload that
// outlives the call that passed it is copied, so strings aliasing a
// caller's reused buffer (fasthttp's, Fiber's) are safe. A handler or
// followed state that panics loses its event, not the process: the panic
// is logged and a Follower reloads its state.
package watch
