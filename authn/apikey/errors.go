package apikey

import "errors"

// Errors returned by this package, matched with errors.Is. Verify reports
// every key it refuses with an error matching authn.ErrInvalidAPIKey
// instead, and a failing store with ErrStore.
var (
	// ErrInvalidConfig reports a nil Store or a Config that New cannot
	// use, and a store's constructor refusing its arguments. Nothing is
	// built.
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
	// ErrKeyExists reports, from a Store's Insert, a key whose ID or
	// Prefix the store already holds; nothing is written. Create draws
	// both at random and draws again when it meets this, a few times,
	// before it gives up with ErrStore.
	ErrKeyExists = errors.New("apikey: key already stored")
	// ErrStore reports a failure of the key store. The operation that met
	// it changed nothing it had not committed, and Verify authenticates
	// no one.
	ErrStore = errors.New("apikey: key store")
)
