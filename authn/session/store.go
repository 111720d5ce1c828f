package session

import (
	"context"
	"time"
)

// Store keeps a Manager's sessions. gatehouse has three, each in a package
// of its own so that an application links only the one it uses:
// session/gormstore (SQLite, PostgreSQL, MySQL), session/memstore (one
// process, tests) and session/redisstore. Another backend implements Store
// and proves it with session/storetest.
//
// The Manager keeps the logic: tokens and their hashes, ids, subjects'
// limits, the clock, the timeouts and the errors applications see. A store
// only persists Records and applies the rules Record.Live and Use.Due
// spell out, with the times it is given: it never reads a clock of its
// own, so that a Manager with a test clock drives it completely.
//
// The contract, which storetest checks:
//
//   - Not found is not an error. Touch reports it with false, DestroyByID
//     with false, Destroy and DestroySubject by doing nothing, List with
//     an empty slice. A session past its expiry counts as not found
//     wherever a method is given the time (Touch, List); elsewhere a store
//     may still hold it until Cleanup, or have dropped it already.
//   - Every other failure is an error: the backend's, wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). The Manager
//     wraps them all in ErrStore. A store never panics, whatever the
//     strings it is given: a value it cannot keep (too long for a column,
//     a byte its backend refuses) gets an error; any other is kept and
//     given back byte for byte.
//   - Every method is safe for concurrent use with every other, from one
//     process or, for a shared backend, from many, and keeps these
//     promises under any interleaving: Create's replacement and insertion
//     happen together or not at all, and of Creates racing with one id or
//     hash at most one succeeds; Touch never brings back a session that
//     was destroyed while it ran, and never moves LastSeenAt back; of two
//     DestroyByID for one session, exactly one reports true.
//   - A store copies what it keeps. The strings it is given may be views
//     of memory the caller reuses after the call returns.
//   - Times need be kept only to the millisecond; the Manager passes
//     whole seconds. They may come back in any location.
type Store interface {
	// Create stores rec, a new session, and in the same atomic step
	// deletes the session whose TokenHash is replaceTokenHash, if one is
	// stored (the session a login request arrived with, whoever's it is).
	// An empty replaceTokenHash replaces nothing. rec.CreatedAt is the
	// time of the call, and rec is live at it; a store that expires data
	// by itself keeps rec until rec.Expiry(idleTimeout).
	//
	// If a session with rec.ID or rec.TokenHash is stored and live at
	// rec.CreatedAt, Create changes nothing and returns an error matching
	// ErrSessionExists. (One past its expiry may count as stored, or not.)
	Create(ctx context.Context, rec Record, idleTimeout time.Duration, replaceTokenHash string) error

	// Touch is the request path, so it is one call, and one round trip
	// wherever the backend allows (redisstore: one script): it finds the
	// session whose TokenHash is tokenHash, refuses it unless it is
	// live at use.Now (Record.Live with use.IdleTimeout), and records the
	// use when use.Due says so, setting LastSeenAt to use.SeenAt (and, for
	// a store that expires data by itself, extending the session's life to
	// its new Expiry). It returns the session as it is after the call,
	// and false, with no error, for a tokenHash that names no live
	// session.
	Touch(ctx context.Context, tokenHash string, use Use) (rec Record, found bool, err error)

	// Destroy deletes the session whose TokenHash is tokenHash. One that
	// is not stored is not an error.
	Destroy(ctx context.Context, tokenHash string) error

	// DestroyByID deletes the session with this id if its Subject is
	// subject, and reports whether it did. A session of another subject
	// is left alone and reported as false, as an unknown one is.
	DestroyByID(ctx context.Context, subject, id string) (bool, error)

	// DestroySubject deletes every session of subject. A subject with
	// none is not an error.
	DestroySubject(ctx context.Context, subject string) error

	// List returns subject's sessions that are live at now, in any order.
	List(ctx context.Context, subject string, now time.Time, idleTimeout time.Duration) ([]Record, error)

	// Cleanup deletes the sessions that are not live at now and returns
	// how many it deleted. Sessions the store has already dropped by
	// itself (lazily, or by the backend's own expiry) are not counted. A
	// store that deletes in batches and fails part way returns the count
	// of what it deleted before the error.
	Cleanup(ctx context.Context, now time.Time, idleTimeout time.Duration) (int64, error)
}
