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
	// ErrInvalidConfig reports a nil Store or a Config that cannot work,
	// such as a negative lifetime, and a store's constructor refusing its
	// arguments. Nothing is built.
	ErrInvalidConfig = errors.New("refresh: invalid config")
	// ErrInvalidSubject reports an empty subject, or one longer than
	// MaxSubjectLength.
	ErrInvalidSubject = errors.New("refresh: invalid subject")
	// ErrInvalidMethods reports authentication methods authn.ValidAMR
	// refuses.
	ErrInvalidMethods = errors.New("refresh: invalid authentication methods")
	// ErrInvalidFamilyID reports an empty or over-long family id.
	ErrInvalidFamilyID = errors.New("refresh: invalid family id")
	// ErrFamilyNotFound reports a family id that names no family, perhaps
	// because Cleanup has deleted it.
	ErrFamilyNotFound = errors.New("refresh: family not found")
	// ErrTokenExists reports, from a Store's Insert or Rotate, a token
	// whose ID or TokenHash the store already holds; nothing is written.
	// Tokens draws both at random, from 128 and 256 bits, so it meets
	// this only if its source of randomness has failed, and returns it
	// wrapped in ErrStore.
	ErrTokenExists = errors.New("refresh: token already stored")
	// ErrStore reports a failure of the refresh-token store. The
	// operation that met it changed nothing it had not committed; a
	// Rotate that met it handed out no token, and the presented token may
	// or may not have been spent.
	ErrStore = errors.New("refresh: token store")
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
