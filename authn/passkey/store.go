package passkey

import (
	"context"
	"encoding/base64"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
)

// Limits every store holds its arguments to.
const (
	// MaxUserIDLength bounds a user id, in bytes.
	MaxUserIDLength = check.MaxUserIDLength
	// MaxCredentialIDLength bounds a credential id, in bytes.
	MaxCredentialIDLength = check.MaxCredentialIDLength
	// MaxUserHandleLength bounds a user handle, in bytes.
	MaxUserHandleLength = check.MaxUserHandleLength
	// MaxNameLength bounds a credential's name, in bytes.
	MaxNameLength = check.MaxNameLength
	// MaxChallengeIDLength bounds a ceremony id, in bytes.
	MaxChallengeIDLength = check.MaxChallengeIDLength
)

// Credential is one passkey of a user: what WebAuthn needs to verify its
// signatures, and what a settings page shows of it.
type Credential struct {
	// ID is the credential id the authenticator chose, unique across all
	// users.
	ID []byte
	// UserID is the gatehouse user the credential belongs to.
	UserID string
	// PublicKey is the credential's public key, COSE-encoded.
	PublicKey []byte
	// AttestationType is the attestation the authenticator gave at
	// registration ("none" for most passkeys).
	AttestationType string
	// AAGUID names the authenticator's model, 16 bytes (all zero when it
	// does not say).
	AAGUID []byte
	// SignCount is the signature counter last seen: an authenticator that
	// keeps one counts up, so a count that does not move forward betrays
	// a clone. Zero for authenticators, most synced passkeys among them,
	// that keep none.
	SignCount uint32
	// Transports are how the browser may reach the authenticator
	// ("internal", "hybrid", "usb", ...), hints for later ceremonies.
	Transports []string
	// BackupEligible reports a credential that may be synced to other
	// devices (a synced passkey); it never changes.
	BackupEligible bool
	// BackupState reports a credential that is backed up now.
	BackupState bool
	// Name is the user's label for it, such as "MacBook".
	Name string
	// CreatedAt is when it was registered.
	CreatedAt time.Time
	// LastUsedAt is when it last signed in; zero when never.
	LastUsedAt time.Time
}

// EncodedID is the credential id as browsers give it (the id of a
// PublicKeyCredential) and as Remove takes it: base64url without padding.
func (c Credential) EncodedID() string {
	return base64.RawURLEncoding.EncodeToString(c.ID)
}

// Store keeps credentials and user handles. gatehouse has two, each in a
// package of its own so that an application links only the one it uses:
// passkey/gormstore (SQLite, PostgreSQL, MySQL/MariaDB, in the tables
// gatehouse_passkeys and gatehouse_passkey_users) and passkey/memstore.
// Another backend implements Store and proves it with passkey/storetest.
//
// Passkeys keeps the logic: WebAuthn, the clock and the errors
// applications see. A store only keeps what it is given and applies the
// conditions its methods spell out; it never reads a clock of its own.
//
// The contract, which storetest checks:
//
//   - Not found is not an error: it is reported with false, or an empty
//     slice.
//   - A user id, credential id or user handle out of this package's limits
//     (MaxUserIDLength, MaxCredentialIDLength, MaxUserHandleLength, and
//     MaxNameLength for a name) is refused by the methods that write with
//     an error, and is not found by the others. Nothing is written then.
//     Ids and handles compare byte for byte.
//   - Every other failure is an error: the backend's, wrapped with %w, or
//     ctx's error when ctx is done (then nothing changes). Passkeys wraps
//     them all in ErrStore. A store never panics.
//   - Every method is safe for concurrent use, from one process or, for a
//     shared backend, from many, and each is one atomic step. Above all
//     UpdateUse is a compare-and-set on the sign count.
//   - A store copies what it keeps and what it gives back.
//   - Passkeys passes times in UTC, to the microsecond; a store keeps them
//     to the microsecond at least, and may give them back in any
//     location.
type Store interface {
	// UserHandle returns the user's handle, and false when the user has
	// none.
	UserHandle(ctx context.Context, userID string) (handle []byte, found bool, err error)

	// EnsureUserHandle gives the user handle if the user has none, and
	// returns the handle the user has then: handle, or the one kept
	// before. Of any number of calls racing for one user, all return the
	// same handle. A handle kept for another user is an error.
	EnsureUserHandle(ctx context.Context, userID string, handle []byte) (kept []byte, err error)

	// UserByHandle returns the user whose handle is handle, and false
	// when there is none.
	UserByHandle(ctx context.Context, handle []byte) (userID string, found bool, err error)

	// AddCredential keeps c. It returns an error matching
	// ErrCredentialExists when a credential with c.ID is kept already,
	// for any user, and then changes nothing.
	AddCredential(ctx context.Context, c Credential) error

	// Credentials returns the user's credentials, oldest first (by
	// CreatedAt, then ID); none, with no error, when there are none.
	Credentials(ctx context.Context, userID string) ([]Credential, error)

	// UpdateUse records a use of the user's credential id: if its
	// SignCount is from, it sets SignCount to to, BackupState to
	// backupState and LastUsedAt to at, and reports true. Otherwise,
	// another use having come first or the credential being gone, it
	// changes nothing and reports false.
	UpdateUse(ctx context.Context, userID string, id []byte, from, to uint32, backupState bool, at time.Time) (updated bool, err error)

	// DeleteCredential removes the user's credential id and reports
	// whether there was one. A credential of another user is not found.
	DeleteCredential(ctx context.Context, userID string, id []byte) (found bool, err error)
}

// Challenge is one ceremony in flight: what Finish needs of what Begin
// did.
type Challenge struct {
	// ID is the ceremony id, drawn at random by Passkeys and sent to the
	// client, which sends it back with its response.
	ID string
	// UserID is the user the ceremony is for; empty for a passkey-first
	// login, which learns the user from the response.
	UserID string
	// Kind is the ceremony: "registration", "login" or "second-factor".
	Kind string
	// Session is the library's record of the ceremony (the challenge, the
	// credentials allowed, ...), opaque to stores.
	Session []byte
	// ExpiresAt is when it stops being usable.
	ExpiresAt time.Time
}

// ChallengeStore keeps the ceremonies in flight, each for one use. gatehouse
// has two: passkey/gormstore (the table gatehouse_passkey_challenges) and
// passkey/memstore. The contract is Store's (not found is no error, every
// failure wrapped, no panic, copies, atomic methods), and:
//
//   - Put refuses an id of 0 or over MaxChallengeIDLength bytes or of
//     other than printable ASCII with an error, and writes nothing; it
//     refuses an id kept already with an error too.
//   - Take is single-use: of any number of Takes racing for one id,
//     across every process sharing the store, at most one returns it.
//   - A challenge whose ExpiresAt is not after the now given to Take is
//     not found, and is removed.
type ChallengeStore interface {
	// Put keeps c until it is taken or expires.
	Put(ctx context.Context, c Challenge) error

	// Take removes the challenge id and returns it, or reports false
	// when there is none, it was taken, or it expired by now.
	Take(ctx context.Context, id string, now time.Time) (c Challenge, found bool, err error)

	// DeleteExpired removes every challenge whose ExpiresAt is not after
	// now and returns how many. Applications call it from time to time:
	// challenges of ceremonies never finished pile up otherwise.
	DeleteExpired(ctx context.Context, now time.Time) (removed int64, err error)
}
