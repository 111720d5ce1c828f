package purpose

import "errors"

// Errors returned by this package, matched with errors.Is. Rejected tokens
// are reported with the authn sentinels instead (see the package
// documentation).
var (
	// ErrInvalidConfig reports a Config that New refuses, or a nil database.
	// A key that is too short also matches authn.ErrWeakSecret.
	ErrInvalidConfig = errors.New("invalid purpose token config")
	// ErrInvalidSubject reports a subject Issue refuses: empty, longer than
	// MaxSubjectLength, or not valid UTF-8.
	ErrInvalidSubject = errors.New("invalid subject")
	// ErrNoBinding reports a bound token checked without a binding function.
	// It is a programming error; the token is refused and also matches
	// authn.ErrInvalidToken.
	ErrNoBinding = errors.New("token is bound but no binding function was given")
	// ErrStore reports a failure of the database that records used tokens.
	// The operation that met it consumed nothing.
	ErrStore = errors.New("purpose token store")
)
