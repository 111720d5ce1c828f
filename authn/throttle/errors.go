package throttle

import "errors"

// Errors returned by this package for bad input, matched with errors.Is.
// Check reports throttling with a *authn.ThrottledError instead, which
// matches authn.ErrThrottled.
var (
	// ErrInvalidConfig reports a nil database or a Config that New cannot
	// use, such as a negative limit.
	ErrInvalidConfig = errors.New("throttle: invalid config")
	// ErrInvalidAccount reports an empty account, or one longer than
	// MaxAccountLength bytes.
	ErrInvalidAccount = errors.New("throttle: invalid account")
	// ErrInvalidAddress reports a client address longer than
	// MaxAddressLength bytes.
	ErrInvalidAddress = errors.New("throttle: invalid address")
)
