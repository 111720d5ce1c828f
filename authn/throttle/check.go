package throttle

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Check reports whether a login to account from address may be attempted.
// It returns nil, or a *authn.ThrottledError (matching authn.ErrThrottled)
// when the account has Config.MaxFailures failures within the Window that
// ends now, or the address has Config.MaxFailuresPerAddress. Its RetryAfter
// is how long until enough of those failures have left the window for an
// attempt to be allowed, at least a second.
//
// Call Check before verifying the password, and refuse the login on any
// error: a throttled account is refused even with the right password.
// address "" means the client's address is unknown; only the account is
// then counted. account is compared exactly as given, so normalise it
// (lower-case an email, say) the same way everywhere.
func (l *Limiter) Check(ctx context.Context, account, address string) error {
	acct, err := accountKey(account)
	if err != nil {
		return err
	}
	addr, err := addressKey(address)
	if err != nil {
		return err
	}
	now := l.now()
	wait, err := l.wait(ctx, acct, l.cfg.MaxFailures, now)
	if err != nil {
		return err
	}
	if addr != "" {
		addrWait, err := l.wait(ctx, addr, l.cfg.MaxFailuresPerAddress, now)
		if err != nil {
			return err
		}
		wait = max(wait, addrWait)
	}
	if wait > 0 {
		return &authn.ThrottledError{RetryAfter: max(wait, time.Second)}
	}
	return nil
}

// wait returns how long until key has fewer than limit failures within the
// window, or 0 if it has fewer now. Only the newest limit failures are read:
// an attempt is allowed once the oldest of them leaves the window, however
// many older ones there are.
func (l *Limiter) wait(ctx context.Context, key string, limit int, now time.Time) (time.Duration, error) {
	var times []time.Time
	err := l.db.WithContext(ctx).Model(&failure{}).
		Where(clause.Eq{Column: clause.Column{Name: "key"}, Value: key}).
		Where("failed_at > ?", now.Add(-l.cfg.Window)).
		Order("failed_at DESC").Limit(limit).
		Pluck("failed_at", &times).Error
	if err != nil {
		return 0, fmt.Errorf("throttle: count failures: %w", err)
	}
	if len(times) < limit {
		return 0, nil
	}
	return times[len(times)-1].Add(l.cfg.Window).Sub(now), nil
}
