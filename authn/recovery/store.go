package recovery

import (
	"context"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/recovery/internal/storecheck"
)

// MaxUserIDLength bounds the user ids Codes accepts, in bytes: the ids of
// users.Directory are 36, and 64 leaves room for an application's own.
const MaxUserIDLength = storecheck.MaxUserIDLength

// Store keeps the digests of recovery codes. gatehouse has two, each in a
// package of its own so that an application links only the one it uses:
// recovery/gormstore (SQLite, PostgreSQL, MySQL/MariaDB, in the table
// gatehouse_recovery_codes) and recovery/memstore (one process, tests).
// Another backend implements Store and proves it with recovery/storetest.
//
// Codes keeps the logic: drawing codes, their format and normalization,
// the digest, user id validation, the clock and the errors applications
// see. A store only keeps digests and applies the conditions its methods
// spell out, with the times it is given: it never reads a clock of its
// own, so that Codes with a test clock drives it completely.
//
// The contract, which storetest checks:
//
//   - A code is a user id and a digest; a user has any number of codes,
//     each unused or used at a time. User ids and digests compare byte for
//     byte: no folding of case or spaces.
//   - Not found is not an error: Consume reports it with false, Remaining
//     and DeleteUser with 0.
//   - Replace is one atomic step: whoever looks, through any handle, sees
//     the user's old codes or the new ones, never a mixture, and of
//     Replaces racing for one user exactly one's codes are left.
//     ReplaceIfNone is one atomic step with its check: of any number
//     racing for a user without unused codes, through one handle or many,
//     exactly one replaces. A
//     Replace whose digests repeat one is refused with an error and
//     changes nothing.
//   - Consume is an atomic compare-and-set: of any number of Consumes of
//     one code, racing or not, through one handle or many, exactly one
//     returns true; every other returns false and changes nothing.
//   - A user id that is empty, longer than MaxUserIDLength bytes, not
//     UTF-8 or holding a NUL byte is one no user has: Replace refuses it
//     with an error matching ErrInvalidUserID and writes nothing, and
//     Consume, Remaining and DeleteUser answer as for a user without
//     codes, with no error.
//   - Every other failure is an error: the backend's, wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). Codes wraps
//     them all in ErrStore. A store never panics.
//   - Every method is safe for concurrent use with every other, from one
//     process or, for a shared backend, from many.
//   - A store copies what it keeps: the user id and the slice of digests
//     it is given may be memory the caller reuses after the call.
//   - Codes passes times in UTC, to the microsecond; a store keeps them
//     to the microsecond at least.
//
// Use runs Consume once; nothing else touches the store on a login.
type Store interface {
	// Replace removes every code of the user, used or not, and stores
	// digests as the user's unused codes, made at at. With no digests the
	// user is left with none.
	Replace(ctx context.Context, userID string, digests [][32]byte, at time.Time) error

	// ReplaceIfNone is Replace made only when the user has no unused
	// code, checked in the same atomic step: it reports whether it stored
	// digests. Of ReplaceIfNones racing for a user without unused codes,
	// exactly one stores its codes; every other returns false and changes
	// nothing. It refuses what Replace refuses, with the same errors.
	ReplaceIfNone(ctx context.Context, userID string, digests [][32]byte, at time.Time) (replaced bool, err error)

	// Consume marks the user's code whose digest is digest used at at, if
	// it is unused, and reports whether it did. An unknown code, another
	// user's or one used before is false.
	Consume(ctx context.Context, userID string, digest [32]byte, at time.Time) (consumed bool, err error)

	// Remaining returns how many of the user's codes are unused.
	Remaining(ctx context.Context, userID string) (int, error)

	// DeleteUser removes every code of the user, used or not, and returns
	// how many there were.
	DeleteUser(ctx context.Context, userID string) (int, error)
}
