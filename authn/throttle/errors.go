package throttle

import "errors"

// Errors returned by this package, matched with errors.Is. Reserve and
// Check report throttling with a *authn.ThrottledError instead, which
// matches authn.ErrThrottled.
var (
	// ErrInvalidConfig reports a nil Store or a Config that New cannot
	// use, such as a negative limit.
	ErrInvalidConfig = errors.New("throttle: invalid config")
	// ErrInvalidAccount reports an empty account, or one longer than
	// MaxAccountLength bytes.
	ErrInvalidAccount = errors.New("throttle: invalid account")
	// ErrInvalidAddress reports a client address that is not an IP
	// address, with or without a port, or is longer than MaxAddressLength
	// bytes. It is the caller's mistake, not the client's: pass the
	// connection's address (http.Request.RemoteAddr), or what a trusted
	// proxy says it is, or "" when there is none.
	ErrInvalidAddress = errors.New("throttle: invalid address")
	// ErrAttemptFinished reports a second end to one Attempt: it has
	// already failed, succeeded or been cancelled, and nothing is changed.
	ErrAttemptFinished = errors.New("throttle: attempt already finished")
	// ErrStore reports a failure of the Store: the Limiter cannot tell
	// whether an attempt is allowed, so Reserve's caller must refuse the
	// login, and the store's own error is wrapped with it. It never
	// matches authn.ErrThrottled.
	ErrStore = errors.New("throttle: store")
	// ErrInvalidStoreCall is what a Store returns, wrapped, for arguments
	// no Limiter passes (see Store); a Limiter that meets it reports it
	// wrapped in ErrStore too.
	ErrInvalidStoreCall = errors.New("throttle: invalid store call")
)
