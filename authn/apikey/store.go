package apikey

import (
	"context"
	"time"
)

// Store keeps the API keys of Keys. gatehouse has two, each in a package of
// its own so that an application links only the one it uses:
// apikey/gormstore (SQLite, PostgreSQL, MySQL/MariaDB, in the table
// gatehouse_api_keys) and apikey/memstore (one process, tests). Another
// backend implements Store and proves it with apikey/storetest.
//
// Keys keeps the logic: the key format, its hash and its constant-time
// comparison, ids and prefixes, validation of owners and names, the clock,
// expiry, revocation as Verify sees it, and the errors applications see. A
// store only persists Records and applies the conditions its methods
// spell out with the times it is given: it never reads a clock of its own,
// so that Keys with a test clock drive it completely.
//
// The contract, which storetest checks:
//
//   - Not found is not an error. Lookup and Get report it with false,
//     Revoke and RecordUse with false, RevokeOwner with 0, List with an
//     empty slice.
//   - Every other failure is an error: the backend's, wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). Keys wraps them
//     all in ErrStore. A store never panics, whatever the strings it is
//     given: a value it cannot keep (too long for a column, a byte its
//     backend refuses) gets an error and changes nothing; any other is
//     kept and given back byte for byte.
//   - Every method is safe for concurrent use with every other, from one
//     process or, for a shared backend, from many, and keeps these
//     promises under any interleaving: of Inserts racing with one ID or
//     one Prefix exactly one succeeds; a key's RevokedAt is set once, by
//     the first Revoke or RevokeOwner to reach it, and never changes
//     after; racing RevokeOwner calls count each key they revoke once
//     between them; of RecordUse calls racing with one at, exactly one
//     writes, and LastUsedAt never moves back.
//   - A store copies what it keeps. The strings it is given may be views
//     of memory the caller reuses after the call returns.
//   - Keys passes times in UTC, to the microsecond; a store keeps them to
//     the microsecond at least, and may give them back in any location.
//     The zero time means "none" in a Record: no expiry, not revoked,
//     never used.
//
// Keys are never deleted: revoked and expired keys stay, so that List
// shows their owner what each was and when it stopped working.
type Store interface {
	// Insert stores rec, a new key. If a key with rec.ID or rec.Prefix is
	// stored, Insert changes nothing and returns an error matching
	// ErrKeyExists; Keys then draws another id and prefix.
	Insert(ctx context.Context, rec Record) error

	// Lookup is the request path: it returns the key whose Prefix is
	// prefix, whatever its state (revoked and expired keys included:
	// Keys decides), and false, with no error, when there is none. Keys
	// calls it once per Verify.
	Lookup(ctx context.Context, prefix string) (rec Record, found bool, err error)

	// Get returns the key whose ID is id, and false, with no error, when
	// there is none.
	Get(ctx context.Context, id string) (rec Record, found bool, err error)

	// List returns every key of ownerID, revoked and expired ones
	// included, in any order: Keys sorts them.
	List(ctx context.Context, ownerID string) ([]Record, error)

	// Revoke sets the RevokedAt of the key whose ID is id to at, unless
	// it is set already, which it leaves as it is. It reports whether a
	// key with this id is stored, revoked before or not.
	Revoke(ctx context.Context, id string, at time.Time) (found bool, err error)

	// RevokeOwner sets RevokedAt to at on every key of ownerID whose
	// RevokedAt is not set, and returns how many it set.
	RevokeOwner(ctx context.Context, ownerID string, at time.Time) (int64, error)

	// RecordUse sets the LastUsedAt of the key whose ID is id to at if it
	// is zero or not after staleAt, and reports whether it did; a key used
	// more recently is left alone, and reported false as an unknown id
	// is. Keys passes a staleAt a minute before at, once it has read a
	// LastUsedAt that old, so that of several requests recording the same
	// minute, on any number of processes, one writes and the others
	// change nothing.
	RecordUse(ctx context.Context, id string, at, staleAt time.Time) (recorded bool, err error)
}
