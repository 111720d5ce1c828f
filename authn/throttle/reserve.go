package throttle

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
)

// Reserve asks to try a login to account from address, and holds a place
// for the attempt within the limits if it may: it returns an *Attempt, to
// be ended with exactly one of its Failed, Succeeded or Cancel once the
// password has been checked. Until then the attempt counts against the
// account and the address as a failure would, so that of attempts started
// together no more than the limit go on to check a password, on this
// process or any other sharing the database.
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
// A failure of the database is returned wrapped and matches neither, nor
// authn.ErrThrottled.
func (l *Limiter) Reserve(ctx context.Context, account, address string) (*Attempt, error) {
	acct, err := accountKey(account)
	if err != nil {
		return nil, err
	}
	addr, err := addressKey(address)
	if err != nil {
		return nil, err
	}
	id, err := newAttemptID()
	if err != nil {
		return nil, err
	}
	a := &Attempt{l: l, id: id, account: acct, address: addr}
	var wait time.Duration
	err = retry.OnDeadlock(ctx, func() error {
		wait = 0
		return l.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var err error
			wait, err = l.reserve(tx, a)
			return err
		}, l.txOptions()...)
	})
	if err != nil {
		return nil, fmt.Errorf("throttle: reserve attempt: %w", err)
	}
	if wait > 0 {
		return nil, &authn.ThrottledError{RetryAfter: max(wait, time.Second)}
	}
	return a, nil
}

// reserve is Reserve's transaction. It locks the keys' rows first: the
// lock is its first statement, so on SQLite it takes the write lock before
// reading anything, and elsewhere an attempt on the same key waits here
// until the one before has committed its reservation, then counts it. The
// account's key sorts before the address's, so two attempts lock in the
// same order and cannot wait for each other.
func (l *Limiter) reserve(tx *gorm.DB, a *Attempt) (time.Duration, error) {
	keys, limits := []string{a.account}, []int{l.cfg.MaxFailures}
	if a.address != "" {
		keys, limits = append(keys, a.address), append(limits, l.cfg.MaxFailuresPerAddress)
	}
	locks := make([]keyLock, len(keys))
	for i, key := range keys {
		locks[i] = keyLock{Key: key, LockedAt: l.now()}
	}
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"locked_at"}),
	}).Create(&locks).Error
	if err != nil {
		return 0, fmt.Errorf("lock: %w", err)
	}

	now := l.now()
	var wait time.Duration
	for i, key := range keys {
		w, err := l.wait(tx, key, limits[i], now)
		if err != nil {
			return 0, err
		}
		wait = max(wait, w)
	}
	if wait > 0 {
		return wait, nil
	}
	rows := make([]failure, len(keys))
	for i, key := range keys {
		rows[i] = failure{Key: key, FailedAt: now, Attempt: a.id, Pending: true}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return 0, fmt.Errorf("record attempt: %w", err)
	}
	return 0, nil
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
	account  string
	address  string
	finished atomic.Bool
}

// Failed records that the password was wrong, or the account unknown: the
// attempt counts as a failure of the account and of the address for the
// Window from now. When it returns an error the attempt still counts,
// from when it was reserved.
func (a *Attempt) Failed(ctx context.Context) error {
	if !a.finished.CompareAndSwap(false, true) {
		return ErrAttemptFinished
	}
	err := a.l.db.WithContext(ctx).Model(&failure{}).
		Where(a.own()).
		Updates(map[string]any{"pending": false, "failed_at": a.l.now()}).Error
	if err != nil {
		return fmt.Errorf("throttle: record failure: %w", err)
	}
	return nil
}

// Succeeded records a successful login: the attempt is no longer counted,
// and the account's failures are forgotten, as Reset forgets them. The
// address's failures still count: a guesser who owns one account must not
// clear its address's record by logging in to it. Attempts on the account
// still in progress keep counting until they end.
func (a *Attempt) Succeeded(ctx context.Context) error {
	if !a.finished.CompareAndSwap(false, true) {
		return ErrAttemptFinished
	}
	accountFailures := clause.And(keyIs(a.account), clause.Eq{Column: clause.Column{Name: "pending"}, Value: false})
	err := a.l.db.WithContext(ctx).Where(clause.Or(a.own(), accountFailures)).Delete(&failure{}).Error
	if err != nil {
		return fmt.Errorf("throttle: record success: %w", err)
	}
	return nil
}

// Cancel withdraws the attempt as though it had never been made. Call it
// only when no password was checked, as when the user store could not be
// read: cancelling an attempt whose password was wrong would give a
// guesser that guess for free.
func (a *Attempt) Cancel(ctx context.Context) error {
	if !a.finished.CompareAndSwap(false, true) {
		return ErrAttemptFinished
	}
	if err := a.l.db.WithContext(ctx).Where(a.own()).Delete(&failure{}).Error; err != nil {
		return fmt.Errorf("throttle: cancel attempt: %w", err)
	}
	return nil
}

// own selects the attempt's rows: its account's and its address's.
func (a *Attempt) own() clause.Expression {
	keys := []any{a.account}
	if a.address != "" {
		keys = append(keys, a.address)
	}
	return clause.And(
		clause.IN{Column: clause.Column{Name: "key"}, Values: keys},
		clause.Eq{Column: clause.Column{Name: "attempt"}, Value: a.id},
	)
}

// keyIs selects the rows of key.
func keyIs(key string) clause.Expression {
	return clause.Eq{Column: clause.Column{Name: "key"}, Value: key}
}
