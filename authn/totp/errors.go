package totp

import (
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors returned by this package, matched with errors.Is. Returned errors
// wrap them and add what was wrong, never a secret or a code.
var (
	// ErrConfig reports a nil Store or a Config that New cannot use.
	// Nothing is built.
	ErrConfig = errors.New("totp: invalid config")

	// ErrInvalidUserID reports a user id no second factor can be kept
	// under: empty, over MaxUserIDLength bytes, not UTF-8, or holding a
	// NUL byte. Stores refuse such ids with it too. Nothing is read or
	// written.
	ErrInvalidUserID = errors.New("totp: invalid user id")

	// ErrInvalidAccountName reports an account name Enroll cannot put in
	// an authenticator app: empty, over MaxAccountNameLength bytes, not
	// UTF-8, or holding a colon (which separates issuer and account in
	// the app's label) or a control character.
	ErrInvalidAccountName = errors.New("totp: invalid account name")

	// ErrInvalidCode reports a code that was refused: malformed (not six
	// ASCII digits once white space around it is trimmed), not the code
	// of the secret at any step within Config.Skew of now, or used
	// before. It matches authn.ErrInvalidCredentials, so adapters answer
	// it as any rejected credential.
	ErrInvalidCode = errkind.New("totp: invalid code", authn.ErrInvalidCredentials)

	// ErrCodeReused reports a code that was right but whose time step is
	// not after the last one accepted for the account: a replay, or the
	// loser of two racing uses of one code. It matches ErrInvalidCode,
	// and so authn.ErrInvalidCredentials: answer it as a wrong code. A
	// replayed code is a sign that someone watched or phished it; log it.
	ErrCodeReused = errkind.New("totp: code already used", ErrInvalidCode)

	// ErrNotEnrolled reports that the user has no secret the operation
	// needs: no active one for Verify, no pending one for Confirm,
	// neither for Disable. It is distinct from ErrInvalidCode, so that an
	// application can tell the user to enrol, but matches
	// authn.ErrInvalidCredentials, so that an application answering every
	// such error alike tells a caller nothing a wrong code would not.
	// Never take it as leave to skip the second factor: decide whether a
	// user has one with Enabled before asking for a code, and refuse the
	// login when Verify returns any error, this one included (the factor
	// may have been disabled in between).
	ErrNotEnrolled = errkind.New("totp: not enrolled", authn.ErrInvalidCredentials)

	// ErrCorruptSecret reports a stored secret that Config.Key cannot
	// open: the key is not the one that sealed it, or the record was
	// altered or moved from another user. The code is refused. It is a
	// fault to alert on rather than a verdict on the code, and matches
	// neither ErrInvalidCode nor authn.ErrInvalidCredentials.
	ErrCorruptSecret = errors.New("totp: stored secret cannot be opened")

	// ErrStore reports a failure of the Store, or ctx's error; the store's
	// own error is wrapped too. It is no verdict on the code: it matches
	// neither ErrInvalidCode nor authn.ErrInvalidCredentials, and no code
	// is accepted. The operation that met it changed nothing it had not
	// committed.
	ErrStore = errors.New("totp: store")
)

// storeError wraps a failure of the store during op in ErrStore.
func storeError(op string, err error) error {
	return fmt.Errorf("totp: %s: %w: %w", op, ErrStore, err)
}
