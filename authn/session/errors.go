package session

import "errors"

// Errors returned by this package, matched with errors.Is. Authenticate
// returns authn's errors instead (authn.ErrNoCredentials,
// authn.ErrInvalidSession, authn.ErrCSRF), or ErrStore when the database
// fails.
var (
	// ErrInvalidConfig reports a Config, or a database handle, that New
	// refuses. No Manager is built.
	ErrInvalidConfig = errors.New("invalid session config")
	// ErrInvalidSubject reports an empty or overlong subject id. Nothing is
	// written.
	ErrInvalidSubject = errors.New("invalid subject")
	// ErrStore reports a failure of the session database. The operation that
	// met it changed nothing it had not committed, and Authenticate
	// authenticates no one.
	ErrStore = errors.New("session store")
)
