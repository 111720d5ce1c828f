package session

import "errors"

// Errors returned by this package, matched with errors.Is. Authenticate
// returns authn's errors instead (authn.ErrNoCredentials,
// authn.ErrInvalidSession, authn.ErrCSRF), or ErrStore when the store
// fails.
var (
	// ErrInvalidConfig reports a Config, or a Store, that New refuses, and
	// a store's constructor refusing its arguments. Nothing is built.
	ErrInvalidConfig = errors.New("invalid session config")
	// ErrInvalidSubject reports an empty or overlong subject id. Nothing is
	// written.
	ErrInvalidSubject = errors.New("invalid subject")
	// ErrInvalidMethods reports authentication methods authn.ValidAMR
	// refuses. Nothing is written.
	ErrInvalidMethods = errors.New("invalid authentication methods")
	// ErrInvalidSessionID reports a string that cannot be a session id
	// ("ses_" and 16 lowercase hex digits), such as a token or a hash
	// passed by mistake. Nothing is written.
	ErrInvalidSessionID = errors.New("invalid session id")
	// ErrSessionNotFound reports a session id that names none of the
	// subject's sessions: unknown, already destroyed, or another subject's,
	// which DestroyByID does not tell apart so that no one learns which ids
	// other users hold.
	ErrSessionNotFound = errors.New("session not found")
	// ErrSessionExists reports, from a Store's Create, a session whose ID
	// or TokenHash the store already holds; nothing is written. The
	// Manager draws both at random, from 64 and 256 bits, so it meets this
	// only if its source of randomness has failed, and returns it wrapped
	// in ErrStore.
	ErrSessionExists = errors.New("session already stored")
	// ErrStore reports a failure of the session store. The operation that
	// met it changed nothing it had not committed, and Authenticate
	// authenticates no one.
	ErrStore = errors.New("session store")
)
