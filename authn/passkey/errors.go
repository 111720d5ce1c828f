package passkey

import (
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors returned by this package, matched with errors.Is. Returned errors
// wrap them and add what was wrong, never a challenge or a key.
var (
	// ErrConfig reports a nil store or a Config that New cannot use.
	// Nothing is built.
	ErrConfig = errors.New("passkey: invalid config")

	// ErrInvalidInput reports an argument no passkey can be kept under: a
	// user id that is empty, over MaxUserIDLength bytes, not UTF-8 or
	// holding NUL; an empty user name; a credential name over
	// MaxNameLength bytes. Nothing is read or written.
	ErrInvalidInput = errors.New("passkey: invalid input")

	// ErrInvalidResponse reports a browser's response that was refused:
	// malformed, for another origin or relying party, signed wrongly,
	// from a credential the user does not have or that is registered
	// already, from a cloned authenticator (a signature counter that did
	// not move forward), or for a ceremony of another user or kind. Every
	// verification failure matches it, and it matches
	// authn.ErrInvalidCredentials, so adapters answer it as any rejected
	// credential. The ceremony is spent all the same.
	ErrInvalidResponse = errkind.New("passkey: invalid response", authn.ErrInvalidCredentials)

	// ErrChallengeNotFound reports a ceremony id that is unknown, used
	// already (each is good for one Finish, whatever its outcome) or past
	// Config.ChallengeTTL. It matches authn.ErrInvalidCredentials: the
	// client starts again with a Begin call.
	ErrChallengeNotFound = errkind.New("passkey: ceremony not found", authn.ErrInvalidCredentials)

	// ErrNotEnrolled reports a user without the passkey an operation
	// needs: no credential at all for BeginSecondFactor, not the one named
	// for Remove. It matches authn.ErrInvalidCredentials. Never take it as
	// leave to skip a second factor: decide with Enabled first.
	ErrNotEnrolled = errkind.New("passkey: not enrolled", authn.ErrInvalidCredentials)

	// ErrCredentialExists is what a Store's AddCredential returns for a
	// credential id it keeps already, for this user or another. Passkeys
	// reports it as ErrInvalidResponse.
	ErrCredentialExists = errors.New("passkey: credential id registered already")

	// ErrStore reports a failure of a store, or ctx's error; the store's
	// own error is wrapped too. It is no verdict on the response: it
	// matches neither ErrInvalidResponse nor authn.ErrInvalidCredentials,
	// and no login is accepted.
	ErrStore = errors.New("passkey: store")
)

// storeError wraps a failure of a store during op in ErrStore.
func storeError(op string, err error) error {
	return fmt.Errorf("passkey: %s: %w: %w", op, ErrStore, err)
}

// invalidResponse wraps the library's verdict on a response in
// ErrInvalidResponse.
func invalidResponse(op string, err error) error {
	return fmt.Errorf("passkey: %s: %w: %w", op, ErrInvalidResponse, err)
}
