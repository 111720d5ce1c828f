package refresh

import "errors"

// Errors of this package's own validation, matched with errors.Is. Problems
// with a presented token are reported with the authn sentinels instead
// (authn.ErrInvalidToken, authn.ErrTokenExpired, authn.ErrTokenRevoked,
// authn.ErrTokenReused), so that adapters map them to HTTP like any other
// credential.
var (
	// ErrInvalidConfig reports a nil database or a Config that cannot work,
	// such as a negative lifetime. New returns no Store with it.
	ErrInvalidConfig = errors.New("refresh: invalid config")
	// ErrInvalidSubject reports an empty subject, or one longer than
	// MaxSubjectLength.
	ErrInvalidSubject = errors.New("refresh: invalid subject")
	// ErrInvalidFamilyID reports an empty or over-long family id.
	ErrInvalidFamilyID = errors.New("refresh: invalid family id")
	// ErrFamilyNotFound reports a family id that names no family, perhaps
	// because Cleanup has deleted it.
	ErrFamilyNotFound = errors.New("refresh: family not found")
)
