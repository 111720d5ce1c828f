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
	// ErrInvalidSessionID reports a string that cannot be a session id
	// ("ses_" and 16 lowercase hex digits), such as a token or a hash
	// passed by mistake. Nothing is written.
	ErrInvalidSessionID = errors.New("invalid session id")
	// ErrSessionNotFound reports a session id that names none of the
	// subject's sessions: unknown, already destroyed, or another subject's,
	// which DestroyByID does not tell apart so that no one learns which ids
	// other users hold.
	ErrSessionNotFound = errors.New("session not found")
	// ErrStore reports a failure of the session database. The operation that
	// met it changed nothing it had not committed, and Authenticate
	// authenticates no one.
	ErrStore = errors.New("session store")
)
