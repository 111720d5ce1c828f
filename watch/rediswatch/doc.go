// To run several replicas of an application that already share a Redis
// server, connect a Notifier to it with New (or NewFromClient, to share the
// application's client) on every replica and give it to
// authz.WithNotifier and to the token revocations of authn/token/gormstore,
// or to package stack's Config.Notifier: each replica then hears the
// others' policy edits and revocations. Package rediswatch is a
// watch.Notifier on Redis pub/sub.
//
// A Notifier subscribes to all its channels on one pub/sub connection and
// publishes through the client's ordinary connection pool. A message
// published with Publish reaches every subscriber of its channel on the
// same server, in this process too, in the order the server received it.
//
// Delivery is best effort, as with any watch.Notifier: a message published
// while the subscription connection is down is lost to it. When the
// connection fails, every subscription hears watch.EventDisconnected once;
// the Notifier reconnects with a jittered exponential backoff, subscribes
// again to every channel, and once the server has confirmed it sends
// watch.EventConnected to every subscription, whose owner reloads what it
// keeps. The confirmation is a PING sent after the SUBSCRIBE on the same
// connection: when its answer arrives the subscription is in effect, and
// every message published afterwards reaches the subscriber. A connection
// that dies silently is noticed the same way: after Config.PingInterval
// without traffic the Notifier sends a PING, and drops the connection if
// no answer comes within Config.Timeout.
//
// Channel names are passed to Redis as they are: any non-empty string.
// Names of at most 63 bytes of UTF-8, as package pgwatch requires, let an
// application move between the two. Payloads are at most
// watch.MaxPayload bytes.
//
// The connections of a Notifier made with New carry the client name
// "gatehouse-watch" (Config.ClientName) unless the URL names another, so
// operators find the subscription connection with
//
//	CLIENT LIST TYPE pubsub
//
// and may drop it with CLIENT KILL ID: subscribers hear EventDisconnected,
// then EventConnected once the Notifier has reconnected.
package rediswatch
