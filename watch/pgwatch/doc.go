// To run several replicas of an application that share a PostgreSQL
// database and no other server, connect a Notifier to that database with
// New on every replica and give it to authz.WithNotifier and to the token
// revocations of authn/token/gormstore, or to package stack's
// Config.Notifier: each replica then hears the others' policy edits and
// revocations. Package pgwatch is a watch.Notifier on PostgreSQL
// LISTEN/NOTIFY: replicas that share a PostgreSQL database need no other
// server to hear each other's changes.
//
// A Notifier keeps one dedicated listener connection for all its
// subscriptions and publishes through a small pool of other connections,
// so that publishing never waits on the listener. A message published with
// Publish reaches every subscriber of its channel on the same database, in
// this process too, in the order the publishing transactions committed.
//
// Delivery is best effort, as with any watch.Notifier: a notification sent
// while the listener is disconnected is lost to it. When the listener
// connection fails, because the server restarted, an operator terminated
// the backend or the network dropped it, every subscription hears
// watch.EventDisconnected once, the Notifier reconnects with a jittered
// exponential backoff, listens again on every channel and then sends
// watch.EventConnected to every subscription, whose owner reloads what it
// keeps. A connection that dies silently is noticed by a liveness query
// sent after Config.PingInterval without a notification.
//
// Channel names are passed to PostgreSQL as quoted identifiers, so they
// are case-sensitive and may hold any character but NUL; they must be
// valid UTF-8 and 1 to 63 bytes long. Payloads are at most
// watch.MaxPayload bytes of valid UTF-8 text without NUL.
//
// The listener must keep one server connection for as long as it is
// connected: it reaches PostgreSQL directly, or through a pooler that
// does not share server connections between transactions (LISTEN does not
// work through PgBouncer in transaction or statement mode). Every
// connection of a Notifier carries the application_name
// "gatehouse-watch" (Config.ApplicationName) unless the DSN names another,
// so operators find them in pg_stat_activity:
//
//	SELECT pid, state, query FROM pg_stat_activity
//	WHERE application_name = 'gatehouse-watch';
//
// Terminating them with pg_terminate_backend is safe: subscribers hear
// EventDisconnected, then EventConnected once the listener is back, and
// the publishing pool replaces its connections.
package pgwatch
