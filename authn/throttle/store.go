package throttle

import (
	"context"
	"time"
)

// Store keeps what a Limiter counts. For each key (the Limiter derives one
// from the account, another from the client's address) it holds entries,
// each at a time: failures, and attempts in progress ("pending"), each
// pending entry under the id of the attempt that reserved it. An attempt
// with two keys has an entry under each. An entry counts while it is within
// the window of a call: at a time after now−window, where now and window
// are the call's arguments.
//
// Implementations live in packages of their own (memstore, gormstore,
// redisstore), so that an application links only the one it uses. To write
// another, implement the methods below and run storetest.Run against it.
//
// The contract every implementation keeps:
//
//   - Stores never read a clock. Callers pass now (and the window, whose
//     length is also the time to live of what a call writes), and stores
//     compare with what they are given. Times are in microseconds: a store
//     may drop anything finer, and may refuse with ErrInvalidStoreCall a
//     time more than 250 years from 1970.
//   - Reserve is atomic: its count and its writes are one step against
//     every other call on the same keys, from this process or any other
//     sharing the store, and it writes under all its keys or none. Of any
//     number of Reserves racing on a key, no more than the key's Max find
//     room. Every other method is atomic on its own too: it changes all
//     it is given or nothing.
//   - "Not found" is not an error: ending an attempt that has no pending
//     entry, because it ended already, was never reserved or left the
//     store, changes nothing and returns nil, as does resetting a key
//     without failures.
//   - Arguments no Limiter passes are refused with an error matching
//     ErrInvalidStoreCall, before anything is read or written: an id that
//     is empty or longer than 32 bytes; no keys, an empty key, a key
//     longer than 400 bytes, or one key twice; a Max below 1; a window
//     shorter than a second. Keys and ids are otherwise any bytes (NUL,
//     invalid UTF-8): a store stores them exactly, so that a key matches
//     itself and nothing else, whatever its case, accents or trailing
//     spaces, or it fails the call with an error and changes nothing.
//   - Any other error is a failure of the store itself, and the Limiter
//     reports it wrapped in ErrStore. A store must fail closed: never
//     report room it cannot vouch for.
//   - A store copies what it keeps: after a call returns, the caller may
//     reuse the memory of every argument, even of a string.
//   - A store may drop entries at or before now−window at any call given
//     now and window, and should drop expired ones on its own (by expiry,
//     lazily, or in Cleanup): entries that have left the window change no
//     answer of a Limiter, whose clock moves forward.
//
// Every method must be safe for concurrent use.
type Store interface {
	// Reserve counts, for each of limits, its key's entries within the
	// window, and only if every count is below its Max records a pending
	// entry at now under id against every key. It returns the counts it
	// made before writing, one per limit in order: the attempt was
	// reserved exactly when every Usage.Count is below its Max. id is new:
	// the Limiter draws 128 random bits for each attempt.
	Reserve(ctx context.Context, id string, limits []Limit, now time.Time, window time.Duration) ([]Usage, error)
	// Usage counts as Reserve does, without writing anything.
	Usage(ctx context.Context, limits []Limit, now time.Time, window time.Duration) ([]Usage, error)
	// Fail turns the entries id holds pending under keys into failures at
	// now. Entries of id that are not pending, and keys where id has
	// none, are left as they are. A pending entry that has left the
	// window may have been dropped already (by Cleanup, say), and then
	// nothing is recorded.
	Fail(ctx context.Context, id string, keys []string, now time.Time, window time.Duration) error
	// Succeed deletes the entries id holds pending under keys, and every
	// failure (not the pending entries) under reset, as one step.
	Succeed(ctx context.Context, id string, keys []string, reset string) error
	// Cancel deletes the entries id holds pending under keys.
	Cancel(ctx context.Context, id string, keys []string) error
	// AddFailure records a failure at at under every key, without
	// counting first. It is for Limiter.RecordFailure.
	AddFailure(ctx context.Context, keys []string, at time.Time, window time.Duration) error
	// Reset deletes every failure under key. Pending entries stay.
	Reset(ctx context.Context, key string) error
	// Cleanup deletes every entry, failure or pending, at or before
	// before, under every key, and returns how many it deleted; entries
	// the store dropped earlier on its own are not in the count. It may
	// take time in proportion to the size of the store.
	Cleanup(ctx context.Context, before time.Time) (int64, error)
}

// Limit is a key a Store counts entries of, and how many it may have
// within the window before Reserve finds no room.
type Limit struct {
	// Key names what is counted: an account or a client address, in the
	// Limiter's own spelling ("account:…", "address:…").
	Key string
	// Max is the most entries the key may have within the window; at
	// least 1.
	Max int
}

// Usage is what a Store counted of one key's entries within the window.
// When more than Max are within it, only the newest Max are counted; which
// of several entries at the same time are the newest is the store's
// choice.
type Usage struct {
	// Count is how many entries are within the window, but no more than
	// the limit's Max.
	Count int
	// Pending reports whether any of the counted entries is pending.
	Pending bool
	// Oldest is the time of the oldest counted entry; the zero time when
	// Count is 0.
	Oldest time.Time
}
