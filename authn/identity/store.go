package identity

import (
	"context"
	"errors"
	"time"
)

// Errors of links and their stores, matched with errors.Is.
var (
	// ErrLinked: the identity (issuer and subject) is linked already.
	ErrLinked = errors.New("identity: already linked")
	// ErrStore wraps a store's failure: the link may exist, but the
	// store cannot say.
	ErrStore = errors.New("identity: store failed")
	// ErrInvalidLink: a link a store cannot keep: an empty or over-long
	// field, or one that is not UTF-8.
	ErrInvalidLink = errors.New("identity: invalid link")
)

// Limits of a Link's fields, in bytes.
const (
	// MaxIssuerLength bounds Link.Issuer.
	MaxIssuerLength = 255
	// MaxSubjectLength bounds Link.Subject, as authn/external does.
	MaxSubjectLength = 255
	// MaxUserIDLength bounds Link.UserID.
	MaxUserIDLength = 64
)

// Link ties an identity at an external provider to a local user.
type Link struct {
	// Issuer is the provider's issuer URL, exactly as its tokens say.
	Issuer string
	// Subject is the provider's id of the user, unique within Issuer.
	Subject string
	// UserID is the local user's id.
	UserID string
	// CreatedAt is when the link was made, in UTC, to the microsecond.
	CreatedAt time.Time
}

// Store keeps links. gatehouse has two, each in a package of its own:
// identity/gormstore (SQLite, PostgreSQL, MySQL/MariaDB, in the table
// gatehouse_identities) and identity/memstore (one process, tests).
// Another backend implements Store and proves it with identity/storetest.
//
// The contract, which storetest checks:
//
//   - An identity is linked at most once. Of any number of Creates of
//     one Issuer and Subject, racing or not, through one handle or many,
//     exactly one succeeds and every other returns an error matching
//     ErrLinked and writes nothing. A user may have any number of links.
//     Strings are compared byte for byte: no folding of case or spaces.
//   - Not found is not an error: Find and Delete report it with false.
//   - A link with an empty field, a field over its Max…Length or not
//     valid UTF-8 is refused with an error matching ErrInvalidLink, and
//     nothing is written. Anything else is kept and given back byte for
//     byte, CreatedAt to the microsecond (in any location).
//   - Every other failure is an error, the backend's wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). A store never
//     panics.
//   - Every method is safe for concurrent use, and each change is one
//     atomic step.
//   - A store copies what it keeps: the strings it is given may be views
//     of memory the caller reuses after the call.
//
// Find runs on every request an external credential authenticates that is
// not in the Linker's memory: it is one round trip.
type Store interface {
	// Create stores l, or returns an error matching ErrLinked when its
	// Issuer and Subject are linked already.
	Create(ctx context.Context, l Link) error
	// Find returns the link of issuer and subject, and false, with no
	// error, when there is none.
	Find(ctx context.Context, issuer, subject string) (l Link, found bool, err error)
	// ByUser returns every link of the user, in any order; none is not an
	// error.
	ByUser(ctx context.Context, userID string) ([]Link, error)
	// Delete removes the link of issuer and subject, and reports whether
	// there was one.
	Delete(ctx context.Context, issuer, subject string) (found bool, err error)
	// DeleteUser removes every link of the user, and returns how many
	// there were.
	DeleteUser(ctx context.Context, userID string) (int, error)
}
