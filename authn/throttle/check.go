package throttle

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Check reports whether Reserve would let a login to account from address
// through now, without reserving anything: nil, or the *authn.ThrottledError
// Reserve would return. Use it to tell a client before it tries (to show a
// CAPTCHA, say), never to decide whether to check a password: between
// Check and the check of the password, any number of other attempts may
// pass the same Check. Reserve counts and reserves in one step.
//
// account and address are taken as Reserve takes them, and refused with
// the same errors.
func (l *Limiter) Check(ctx context.Context, account, address string) error {
	acct, err := accountKey(account)
	if err != nil {
		return err
	}
	addr, err := addressKey(address)
	if err != nil {
		return err
	}
	db := l.db.WithContext(ctx)
	now := l.now()
	wait, err := l.wait(db, acct, l.cfg.MaxFailures, now)
	if err != nil {
		return err
	}
	if addr != "" {
		addrWait, err := l.wait(db, addr, l.cfg.MaxFailuresPerAddress, now)
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

// wait returns how long until key has fewer than limit failures and
// attempts in progress within the window, or 0 if it has fewer now. Only
// the newest limit of them are read, in one statement, so that an attempt
// that fails meanwhile is counted once, as attempt or as failure: an
// attempt is allowed once the oldest of them leaves the window, however
// many older ones there are. When attempts in progress are among them, it
// returns a second: they may succeed, and free their places, at any moment.
func (l *Limiter) wait(db *gorm.DB, key string, limit int, now time.Time) (time.Duration, error) {
	var newest []failure
	err := db.Model(&failure{}).Select("failed_at", "pending").
		Where(keyIs(key)).
		Where("failed_at > ?", now.Add(-l.cfg.Window)).
		Order("failed_at DESC").Limit(limit).
		Find(&newest).Error
	if err != nil {
		return 0, fmt.Errorf("throttle: count failures: %w", err)
	}
	if len(newest) < limit {
		return 0, nil
	}
	for _, f := range newest {
		if f.Pending {
			return time.Second, nil
		}
	}
	return newest[limit-1].FailedAt.Add(l.cfg.Window).Sub(now), nil
}
