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
	// ErrInvalidConfig reports a Config field, or a constructor argument or
	// configuration field of a Revocations implementation, that cannot be
	// used. The error names the field.
	ErrInvalidConfig = errors.New("invalid config")
	// ErrInvalidSubject reports a subject id that is empty, longer than
	// MaxSubjectLength, not valid UTF-8 or holding a NUL. Such a subject
	// could not be stored in a revocation, so no token is issued for it.
	ErrInvalidSubject = errors.New("invalid subject")
	// ErrInvalidFamily reports a refresh family id that is empty, longer
	// than MaxSubjectLength, not valid UTF-8 or holding a NUL: a token
	// could not be revoked with such a family, so none is issued for it.
	ErrInvalidFamily = errors.New("invalid family id")
	// ErrInvalidClaim reports a custom claim Issue cannot stamp (see
	// Claim): a reserved name, a name not in Config.CustomClaims, or a
	// value that is empty, longer than MaxClaimLength, not valid UTF-8 or
	// holding a NUL.
	ErrInvalidClaim = errors.New("invalid claim")
	// ErrInvalidRevocation reports a token revocation without an expiry
	// time, or whose token id could not be stored (see
	// ValidateTokenRevocation).
	ErrInvalidRevocation = errors.New("invalid revocation")
	// ErrStore reports a failure of the backend a Revocations keeps its
	// list in: a database, a Redis server. Each implementation says what
	// the operation that met it may have changed; since revocations only
	// ever add, trying it again is safe.
	ErrStore = errors.New("revocation store")
)
