package permissions

import "errors"

// Errors returned by this package, matched with errors.Is. The returned errors
// wrap these sentinels and add the offending input.
var (
	// ErrInvalidPermission reports a string that is not "resource:action".
	ErrInvalidPermission = errors.New("invalid permission")
	// ErrInvalidScope reports a scope other than "any" or "own".
	ErrInvalidScope = errors.New("invalid scope")
)
