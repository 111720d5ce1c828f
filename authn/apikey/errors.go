package apikey

import "errors"

// Errors returned by this package for bad input, matched with errors.Is.
// Verify does not use them: every key it refuses yields an error matching
// authn.ErrInvalidAPIKey.
var (
	// ErrInvalidConfig reports a nil database or a Config that New cannot
	// use.
	ErrInvalidConfig = errors.New("apikey: invalid config")
	// ErrInvalidOwner reports an empty owner id, or one longer than
	// MaxOwnerIDLength bytes.
	ErrInvalidOwner = errors.New("apikey: invalid owner id")
	// ErrInvalidName reports a key name that is empty after trimming,
	// longer than MaxNameLength characters, not UTF-8, or holds control
	// characters.
	ErrInvalidName = errors.New("apikey: invalid name")
	// ErrInvalidExpiry reports an expiry that is not in the future.
	ErrInvalidExpiry = errors.New("apikey: invalid expiry")
	// ErrNotFound reports a key id the store does not hold.
	ErrNotFound = errors.New("apikey: key not found")
)
