package totp

import (
	"context"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/totp/internal/check"
)

// Limits every Store holds its arguments to.
const (
	// MaxUserIDLength bounds a user id, in bytes.
	MaxUserIDLength = check.MaxUserIDLength
	// MaxSealedLength bounds a sealed secret, in bytes; the Manager's are
	// 49.
	MaxSealedLength = check.MaxSealedLength
)

// Record is what a Store keeps of one user's second factor. Secrets are
// sealed: only the Manager, with Config.Key, opens them.
type Record struct {
	// UserID is the user the record belongs to.
	UserID string
	// Pending is the sealed secret of an enrolment not yet confirmed; nil
	// when there is none.
	Pending []byte
	// Active is the sealed secret Verify checks codes against; nil when
	// there is none, which means two-factor authentication is off.
	Active []byte
	// LastStep is the time step of the last code accepted for Active
	// (Unix time divided by Period): a code is accepted only for a later
	// step, so none is accepted twice. Zero when there is no Active.
	LastStep int64
	// ActivatedAt is when Active was confirmed; zero when there is none.
	ActivatedAt time.Time
	// UpdatedAt is when Pending or Active last changed.
	UpdatedAt time.Time
}

// Store keeps the Records of a Manager. gatehouse has two, each in a
// package of its own so that an application links only the one it uses:
// totp/gormstore (SQLite, PostgreSQL, MySQL/MariaDB, in the table
// gatehouse_totp) and totp/memstore (one process, tests). Another backend
// implements Store and proves it with totp/storetest.
//
// The Manager keeps the logic: secrets, sealing, codes, the clock and the
// errors applications see. A store only keeps Records and applies the
// conditions its methods spell out to the values it is given: it never
// reads a clock of its own, so that a Manager with a test clock drives it
// completely.
//
// The contract, which storetest checks:
//
//   - Not found is not an error. Get reports it with false; Activate,
//     UseStep and Delete with false too.
//   - A user id the Manager never passes (see MaxUserIDLength and
//     ErrInvalidUserID) is refused by SetPending with an error matching
//     ErrInvalidUserID, and not found by every other method. A sealed
//     secret that is empty or over MaxSealedLength bytes is refused by
//     SetPending with an error, and matches nothing in Activate and
//     UseStep. Either way nothing is written. Any other id or secret is
//     kept and given back byte for byte; ids compare byte for byte, with
//     no folding of case or spaces.
//   - Every other failure is an error: the backend's, wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). The Manager
//     wraps them all in ErrStore. A store never panics.
//   - Every method is safe for concurrent use with every other, from one
//     process or, for a shared backend, from many, and each is one atomic
//     step. Above all UseStep is a compare-and-set: of any number of
//     UseSteps racing with one step on one record, exactly one reports
//     true, and LastStep never moves back but through Activate.
//   - A store copies what it keeps and what it gives back: the caller may
//     reuse the strings and slices it passed after the call returns, and
//     change the slices it got.
//   - The Manager passes times in UTC, to the microsecond; a store keeps
//     them to the microsecond at least, and may give them back in any
//     location.
type Store interface {
	// SetPending makes sealed the user's pending secret, replacing any
	// pending one, and sets UpdatedAt to at. It creates the user's record
	// if there is none, and never touches Active, LastStep or
	// ActivatedAt.
	SetPending(ctx context.Context, userID string, sealed []byte, at time.Time) error

	// Activate makes the user's pending secret the active one, if it is
	// pending, byte for byte (the Manager passes the secret it checked the
	// code against, so that an enrolment started again in between is not
	// activated unseen). It replaces any active secret, clears Pending,
	// sets LastStep to step and ActivatedAt and UpdatedAt to at, and
	// reports true. Otherwise it changes nothing and reports false.
	Activate(ctx context.Context, userID string, pending []byte, at time.Time, step int64) (activated bool, err error)

	// Get returns the user's record, and false, with no error, when there
	// is none.
	Get(ctx context.Context, userID string) (rec Record, found bool, err error)

	// UseStep sets the user's LastStep to step if active is the user's
	// active secret, byte for byte, and LastStep is less than step, and
	// reports whether it did. It is the one guard against a code used
	// twice: it must compare and set in one atomic step, across every
	// process that shares the store. Naming the secret keeps a code
	// checked against a secret just replaced or disabled from being
	// accepted.
	UseStep(ctx context.Context, userID string, active []byte, step int64) (accepted bool, err error)

	// Delete removes the user's record, pending and active secrets alike,
	// and reports whether there was one.
	Delete(ctx context.Context, userID string) (found bool, err error)
}
