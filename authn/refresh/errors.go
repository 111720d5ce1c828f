package refresh

import (
	"errors"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
)

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

// ReuseError is Rotate's error for a token that had been rotated already:
// the family was revoked for it. It matches authn.ErrTokenReused, and so
// authn.ErrTokenRevoked and authn.ErrInvalidCredentials, and names the
// family, so that the caller can revoke what else the family obtained —
// the access tokens issued with its tokens, which whoever stole the token
// holds too (account.Service.Refresh does).
type ReuseError struct {
	// FamilyID names the revoked family; it is not a secret.
	FamilyID string
	// Subject is the user the family was issued to.
	Subject string
}

// Error names the family, never a token.
func (e *ReuseError) Error() string {
	return fmt.Sprintf("refresh: family %s: %v", e.FamilyID, authn.ErrTokenReused)
}

// Unwrap returns authn.ErrTokenReused.
func (e *ReuseError) Unwrap() error { return authn.ErrTokenReused }
