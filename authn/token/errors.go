package token

import "errors"

// Errors returned by this package for bad input, matched with errors.Is.
// Rejected tokens are reported with the authn sentinels instead
// (authn.ErrInvalidToken, authn.ErrTokenExpired, authn.ErrTokenRevoked), and
// a key too weak to be safe with authn.ErrWeakSecret.
var (
	// ErrInvalidKey reports a key that cannot be used: a malformed key id, a
	// nil or inconsistent key, or a verify-only key asked to sign.
	ErrInvalidKey = errors.New("invalid key")
	// ErrInvalidConfig reports a Config or RevocationsConfig field, or a
	// constructor argument, that cannot be used. The error names the field.
	ErrInvalidConfig = errors.New("invalid config")
	// ErrInvalidSubject reports a subject id that is empty, longer than
	// MaxSubjectLength or not valid UTF-8. Such a subject could not be
	// stored in a revocation, so no token is issued for it.
	ErrInvalidSubject = errors.New("invalid subject")
	// ErrInvalidFamily reports a refresh family id that is empty, longer
	// than MaxSubjectLength or not valid UTF-8: a token could not be
	// revoked with such a family, so none is issued for it.
	ErrInvalidFamily = errors.New("invalid family id")
	// ErrInvalidRevocation reports a token revocation without a token id or
	// an expiry time.
	ErrInvalidRevocation = errors.New("invalid revocation")
	// ErrStore reports a failure of the revocation database. The operation
	// that met it changed nothing, in the database or in memory.
	ErrStore = errors.New("revocation store")
)
