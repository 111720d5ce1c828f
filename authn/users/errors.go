package users

import (
	"errors"

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
	// account, compared after normalization.
	ErrEmailTaken = errors.New("email already registered")
	// ErrNotFound reports that no user has the given id or email.
	ErrNotFound = errors.New("user not found")
	// ErrLocked reports a login with the right password to a locked
	// account. It matches authn.ErrInvalidCredentials too, so a caller that
	// only checks for that still refuses the login.
	ErrLocked error = errkind.New("account locked", authn.ErrInvalidCredentials)
	// ErrInvalidConfig reports a Config, or a database handle, that New
	// cannot use.
	ErrInvalidConfig = errors.New("invalid users configuration")
)
