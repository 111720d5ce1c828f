package users

import (
	"context"
	"time"
)

// Store keeps a Directory's accounts. gatehouse has two, each in a package
// of its own so that an application links only the one it uses:
// users/gormstore (SQLite, PostgreSQL, MySQL/MariaDB, in the table
// gatehouse_users) and users/memstore (one process, tests). Another backend
// implements Store and proves it with users/storetest.
//
// The Directory keeps the logic: ids, the normalization of emails and
// names, password rules, hashing and rehashing, the clock, and the errors
// applications see. A store only persists Records, finds them by id or by
// email, and makes the few conditional changes below in one atomic step.
// It never reads a clock of its own: every time it keeps is one it is
// given.
//
// The contract, which storetest checks:
//
//   - Not found is not an error. Get and GetByEmail report it with false,
//     and so do SetPasswordHash, ReplacePasswordHash, SetLocked,
//     MarkEmailVerified and Delete, which then change nothing.
//   - Emails are unique. Of any number of Creates with one Email, racing
//     or not, through one handle or many (as several processes of an
//     application have), exactly one succeeds and every other returns an
//     error matching ErrEmailTaken and writes nothing. Ids and emails are
//     compared byte for byte: the Directory normalizes emails before they
//     reach the store, so a store must not fold letter case, accents or
//     trailing spaces as some database collations do. The empty Email is
//     none: any number of accounts may have it (those created from an
//     external identity without a verified email, see
//     Directory.RegisterExternal), and GetByEmail("") finds none.
//   - Every other failure is an error: the backend's, wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). The Directory
//     wraps them in ErrStore. A store never panics, whatever the strings it
//     is given: a value it cannot keep (longer than its column, a byte its
//     backend refuses) gets an error and writes nothing; any other is kept
//     and given back byte for byte. The Directory gives ids of 36 bytes,
//     emails of at most 254, names of at most 400 and hashes of at most 255.
//   - Every method is safe for concurrent use with every other, from one
//     process or, for a shared backend, from many, and each change is one
//     atomic step: ReplacePasswordHash compares and sets, so that a rehash
//     at login never undoes a password change made meanwhile; SetLocked and
//     MarkEmailVerified keep the time of the first change.
//   - A store copies what it keeps: the strings it is given may be views of
//     memory the caller reuses after the call returns, and the times a
//     Record points to may change. What it returns is the caller's to
//     change, without effect on what the store keeps.
//   - Times are kept to the microsecond (the Directory passes UTC times
//     truncated to it) and may come back in any location.
//
// Login looks an account up by email, and every request of a signed-in
// user by id: GetByEmail and Get are therefore one round trip each.
type Store interface {
	// Create stores rec, a new account. If an account with rec.Email is
	// stored, Create changes nothing and returns an error matching
	// ErrEmailTaken. If one with rec.ID is stored (and none with
	// rec.Email), it changes nothing and returns an error that does not
	// match ErrEmailTaken; the Directory draws 128 random bits for each id,
	// so this does not happen unless something else writes ids.
	Create(ctx context.Context, rec Record) error

	// Get returns the account whose ID is id, and false, with no error,
	// when there is none.
	Get(ctx context.Context, id string) (rec Record, found bool, err error)

	// GetByEmail returns the account whose Email is email, byte for byte,
	// and false, with no error, when there is none.
	GetByEmail(ctx context.Context, email string) (rec Record, found bool, err error)

	// List returns every account, in any order.
	List(ctx context.Context) ([]Record, error)

	// Count returns the number of accounts.
	Count(ctx context.Context) (int64, error)

	// SetPasswordHash sets the PasswordHash of the account with id to hash
	// and its UpdatedAt to at, and reports whether there is such an
	// account.
	SetPasswordHash(ctx context.Context, id, hash string, at time.Time) (found bool, err error)

	// ReplacePasswordHash sets the PasswordHash of the account with id to
	// newHash if it is oldHash, in one atomic step, leaving UpdatedAt as it
	// is, and reports whether the account had oldHash. Of any number of
	// calls racing with one oldHash, at most one reports true (unless
	// newHash is oldHash). It is the rehash at login: a SetPasswordHash
	// made after the login read oldHash wins over it.
	ReplacePasswordHash(ctx context.Context, id, oldHash, newHash string) (replaced bool, err error)

	// SetLocked locks the account with id, setting its LockedAt and
	// UpdatedAt to at, unless it is locked already; or, when locked is
	// false, unlocks it, clearing LockedAt and setting UpdatedAt to at,
	// unless it is not locked. An account already as asked is left
	// exactly as it is. It reports whether there is such an account.
	SetLocked(ctx context.Context, id string, locked bool, at time.Time) (found bool, err error)

	// MarkEmailVerified sets the EmailVerifiedAt and UpdatedAt of the
	// account with id to at, unless EmailVerifiedAt is set already (then
	// it changes nothing), and reports whether there is such an account.
	MarkEmailVerified(ctx context.Context, id string, at time.Time) (found bool, err error)

	// Delete removes the account with id, freeing its email, and reports
	// whether there was one. Of any number of calls racing for one
	// account, exactly one reports true.
	Delete(ctx context.Context, id string) (found bool, err error)
}
