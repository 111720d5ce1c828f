package refresh

import (
	"context"
	"time"
)

// Store keeps the refresh tokens of Tokens. gatehouse has two, each in a
// package of its own so that an application links only the one it uses:
// refresh/gormstore (SQLite, PostgreSQL, MySQL/MariaDB, in the table
// gatehouse_refresh_tokens) and refresh/memstore (one process, tests).
// Another backend implements Store and proves it with refresh/storetest.
//
// Tokens keeps the logic: token values and their hashes, ids, lifetimes,
// validation, the clock and the errors applications see. A store only
// persists Records and applies the rules that Record.Expired,
// Record.Live and Record.Successor spell out, with the times it is
// given: it never reads a clock of its own, so that Tokens with a test
// clock drive it completely.
//
// The contract, which storetest checks:
//
//   - Not found is not an error. Find reports it with false, Rotate with
//     the outcome NotFound, RevokeFamily with false, RevokeSubject and
//     Cleanup with 0, LiveTokens with an empty slice.
//   - Every other failure is an error: the backend's, wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). Tokens wraps
//     them all in ErrStore. A store never panics, whatever the strings it
//     is given: a value it cannot keep (too long for a column, a byte its
//     backend refuses) gets an error and changes nothing; any other is
//     kept and given back byte for byte, and hashes, ids and subjects
//     compare exactly.
//   - Every method is safe for concurrent use with every other, from one
//     process or, for a shared backend, from many, and keeps these
//     promises under any interleaving. Rotate is atomic: it marks the
//     token used and stores its successor together or not at all, and of
//     Rotates racing on one token exactly one rotates it; each of the
//     others finds it used, and revokes its family, successor included,
//     or finds the family revoked already. A revocation (RevokeFamily,
//     RevokeSubject, a reuse found by Rotate) reaches every token of the
//     family or subject stored before it began and every successor a
//     Rotate racing it stores: once it has returned, none of them is
//     live, and RevokedAt, once set, never changes.
//   - A store copies what it keeps. The strings it is given may be views
//     of memory the caller reuses after the call returns.
//   - Tokens passes times in UTC, to the microsecond; a store keeps them
//     to the microsecond at least, and may give them back in any
//     location. The zero time means "none" in a Record: not used, not
//     revoked, login time unknown.
type Store interface {
	// Insert stores rec, the first token of a new family. If a token with
	// rec.ID or rec.TokenHash is stored, Insert changes nothing and
	// returns an error matching ErrTokenExists.
	Insert(ctx context.Context, rec Record) error

	// Find returns the token whose TokenHash is tokenHash, whatever its
	// state, and false, with no error, when there is none.
	Find(ctx context.Context, tokenHash string) (rec Record, found bool, err error)

	// Rotate is the refresh request, in one call and one atomic step. It
	// finds the token whose TokenHash is tokenHash and, in this order:
	//
	//   - none: returns NotFound and changes nothing;
	//   - its RevokedAt is set: returns Revoked and changes nothing;
	//   - its UsedAt is set, expired or not: sets RevokedAt to now on every
	//     token of its family whose RevokedAt is not set, and returns
	//     Reused;
	//   - it is Expired at now: returns Expired and changes nothing;
	//   - otherwise it sets the token's UsedAt to now, stores
	//     found.Successor(next) as a new token, and returns Rotated.
	//
	// next carries the successor's ID, TokenHash, CreatedAt and ExpiresAt;
	// Successor takes the rest from the token found. If a token with
	// next.ID or next.TokenHash is stored, Rotate changes nothing and
	// returns an error matching ErrTokenExists. Rotation.Presented is the
	// token as found, before the call's changes; Rotation.Next is the
	// successor as stored.
	Rotate(ctx context.Context, tokenHash string, next Record, now time.Time) (Rotation, error)

	// RevokeFamily sets RevokedAt to now on every token of the family
	// familyID whose RevokedAt is not set, provided the family's Subject
	// is subject; an empty subject stands for any. It reports whether
	// such a family is stored, revoked before or not; a family of another
	// subject is left alone and reported as false, as an unknown one is.
	RevokeFamily(ctx context.Context, familyID, subject string, now time.Time) (found bool, err error)

	// RevokeSubject sets RevokedAt to now on every token of subject whose
	// RevokedAt is not set, and returns how many it set.
	RevokeSubject(ctx context.Context, subject string, now time.Time) (int64, error)

	// LiveTokens returns the tokens of subject that are Live at now, in
	// any order: the newest token of each of subject's live families.
	LiveTokens(ctx context.Context, subject string, now time.Time) ([]Record, error)

	// Cleanup deletes every token of each family that ended before
	// cutoff: whose FamilyExpiresAt is before cutoff, or every one of
	// whose tokens has an ExpiresAt before cutoff. It deletes whole
	// families only, and returns how many tokens it deleted.
	Cleanup(ctx context.Context, cutoff time.Time) (int64, error)
}
