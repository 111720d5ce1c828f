package users

import (
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors returned by this package, matched with errors.Is. Returned errors
// wrap these sentinels and add what was wrong. Rejected passwords match
// password.ErrInvalidPassword, breached ones password.ErrBreached as well;
// failed logins match authn.ErrInvalidCredentials.
var (
	// ErrInvalidEmail reports an email address NormalizeEmail refuses.
	ErrInvalidEmail = errors.New("invalid email")
	// ErrInvalidName reports a display name that is empty, longer than 100
	// characters, has no visible character, or holds control characters or
	// characters that display as nothing.
	ErrInvalidName = errors.New("invalid name")
	// ErrEmailTaken reports a registration for an email that already has an
	// account, compared after normalization. A Store's Create returns it
	// too, for an email it holds.
	ErrEmailTaken = errors.New("email already registered")
	// ErrNotFound reports that no user has the given id or email.
	ErrNotFound = errors.New("user not found")
	// ErrLocked reports a login with the right password to a locked
	// account. It matches authn.ErrInvalidCredentials too, so a caller that
	// only checks for that still refuses the login.
	ErrLocked error = errkind.New("account locked", authn.ErrInvalidCredentials)
	// ErrInvalidConfig reports a Config, or a Store, that New cannot use; a
	// store's constructor reports a database handle it cannot use with it.
	ErrInvalidConfig = errors.New("invalid users configuration")
	// ErrStore reports a failure of the Store, such as a database that does
	// not answer, or ctx's error; the store's own error is wrapped too. It
	// is no verdict on the account or the credentials: a login that fails
	// with it matches neither authn.ErrInvalidCredentials nor ErrLocked.
	ErrStore = errors.New("user store")
)

// storeError wraps a failure of the store during op in ErrStore.
func storeError(op string, err error) error {
	return fmt.Errorf("users: %s: %w: %w", op, ErrStore, err)
}
