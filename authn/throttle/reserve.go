package throttle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Reserve asks to try a login to account from address, and holds a place
// for the attempt within the limits if it may: it returns an *Attempt, to
// be ended with exactly one of its Failed, Succeeded or Cancel once the
// password has been checked. Until then the attempt counts against the
// account and the address as a failure would, so that of attempts started
// together no more than the limit go on to check a password, on this
// process or any other sharing the store's data. The count and the
// reservation are one call to the store, which makes them one step.
//
// When the account has Config.MaxFailures failures and attempts in
// progress within the Window that ends now, or the address has
// Config.MaxFailuresPerAddress, Reserve returns a *authn.ThrottledError
// (matching authn.ErrThrottled) and writes nothing. Its RetryAfter is how
// long until enough failures have left the window, at least a second; a
// second when it is attempts still in progress that fill the limit, since
// they may end in success at any moment. Refuse the login on any error:
// a throttled account is refused even with the right password, which is
// the point.
//
// account is counted exactly as given, so normalise it (an email as
// users.NormalizeEmail does, say) the same way everywhere. address is the
// client's IP address, with or without a port ("192.0.2.1:37198" and
// "192.0.2.1" count as one), or "" when unknown, in which case only the
// account is counted; an IPv6 address counts for its whole /64. An address
// that is not an IP is refused with ErrInvalidAddress, an empty or too
// long account with ErrInvalidAccount, before anything is read or written.
// A failure of the store matches ErrStore, and neither of those nor
// authn.ErrThrottled.
func (l *Limiter) Reserve(ctx context.Context, account, address string) (*Attempt, error) {
	keys, err := keysOf(account, address)
	if err != nil {
		return nil, err
	}
	id, err := newAttemptID()
	if err != nil {
		return nil, err
	}
	limits := l.limitsOf(keys)
	now := l.now()
	usage, err := l.store.Reserve(ctx, id, limits, now, l.cfg.Window)
	if err == nil {
		err = answers(limits, usage)
	}
	if err != nil {
		return nil, storeError("reserve attempt", err)
	}
	if wait := l.wait(limits, usage, now); wait > 0 {
		return nil, &authn.ThrottledError{RetryAfter: wait}
	}
	return &Attempt{l: l, id: id, keys: keys}, nil
}

// newAttemptID returns 128 random bits in hex.
func newAttemptID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("throttle: attempt id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// Attempt is a login attempt Reserve has let through, counted as a failure
// until it ends. End it with exactly one of Failed, Succeeded or Cancel;
// later calls return ErrAttemptFinished. An attempt never ended, as when
// the process stops in between, stays counted as a failure for the Window,
// which errs on the safe side.
type Attempt struct {
	l        *Limiter
	id       string
	keys     []string // the account's, then the address's if known
	finished atomic.Bool
}

// Failed records that the password was wrong, or the account unknown: the
// attempt counts as a failure of the account and of the address for the
// Window from now. When it returns an error (matching ErrStore) the
// attempt still counts, from when it was reserved.
func (a *Attempt) Failed(ctx context.Context) error {
	if !a.finished.CompareAndSwap(false, true) {
		return ErrAttemptFinished
	}
	if err := a.l.store.Fail(ctx, a.id, a.keys, a.l.now(), a.l.cfg.Window); err != nil {
		return storeError("record failure", err)
	}
	return nil
}

// Succeeded records a successful login: the attempt is no longer counted,
// and the account's failures are forgotten, as Reset forgets them. The
// address's failures still count: a guesser who owns one account must not
// clear its address's record by logging in to it. Attempts on the account
// still in progress keep counting until they end. A failure of the store
// matches ErrStore.
func (a *Attempt) Succeeded(ctx context.Context) error {
	if !a.finished.CompareAndSwap(false, true) {
		return ErrAttemptFinished
	}
	if err := a.l.store.Succeed(ctx, a.id, a.keys, a.keys[0]); err != nil {
		return storeError("record success", err)
	}
	return nil
}

// Cancel withdraws the attempt as though it had never been made. Call it
// only when no password was checked, as when the user store could not be
// read: cancelling an attempt whose password was wrong would give a
// guesser that guess for free. A failure of the store matches ErrStore.
func (a *Attempt) Cancel(ctx context.Context) error {
	if !a.finished.CompareAndSwap(false, true) {
		return ErrAttemptFinished
	}
	if err := a.l.store.Cancel(ctx, a.id, a.keys); err != nil {
		return storeError("cancel attempt", err)
	}
	return nil
}
