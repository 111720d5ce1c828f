package recovery

import (
	"errors"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors returned by this package, matched with errors.Is.
var (
	// ErrConfig reports a nil Store or a Config that New cannot use, and a
	// store's constructor refusing its arguments. Nothing is built.
	ErrConfig = errors.New("recovery: invalid configuration")

	// ErrInvalidCode: Use refused a code — malformed, not one of the
	// user's, or used already — without saying which, so that a guesser
	// learns nothing but "no". It matches authn.ErrInvalidCredentials,
	// which adapters answer with 401.
	ErrInvalidCode = errkind.New("recovery: invalid code", authn.ErrInvalidCredentials)

	// ErrInvalidUserID reports a user id no user can have: empty, longer
	// than MaxUserIDLength bytes, not UTF-8, or holding a NUL byte.
	// Nothing is read or written. From Use the error matches
	// ErrInvalidCode too, so that a caller checking only that still
	// refuses.
	ErrInvalidUserID = errors.New("recovery: invalid user id")

	// ErrStore reports a failure of the Store, such as a database that does
	// not answer, or ctx's error; the store's own error is wrapped too. It
	// is no verdict on the code: a Use that fails with it matches neither
	// ErrInvalidCode nor authn.ErrInvalidCredentials, and consumed nothing
	// the store did not commit.
	ErrStore = errors.New("recovery: code store")
)
