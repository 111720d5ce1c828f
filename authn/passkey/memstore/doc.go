// Package memstore keeps passkeys and ceremonies in flight in the
// process's memory: a passkey.Store and a passkey.ChallengeStore for tests
// and applications of one process. Everything is lost when the process
// ends.
package memstore
