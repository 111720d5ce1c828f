package throttle

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// RecordFailure counts one failed login to account from address ("" when
// unknown) at the current time. Both counts are written in one statement,
// so a failure is counted against both or neither.
func (l *Limiter) RecordFailure(ctx context.Context, account, address string) error {
	acct, err := accountKey(account)
	if err != nil {
		return err
	}
	addr, err := addressKey(address)
	if err != nil {
		return err
	}
	now := l.now()
	rows := []failure{{Key: acct, FailedAt: now}}
	if addr != "" {
		rows = append(rows, failure{Key: addr, FailedAt: now})
	}
	if err := l.db.WithContext(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("throttle: record failure: %w", err)
	}
	return nil
}

// Reset forgets account's failures, after a successful login. The failures
// of the addresses they came from still count: a guesser who owns one
// account must not clear its address's record by logging in to it.
func (l *Limiter) Reset(ctx context.Context, account string) error {
	acct, err := accountKey(account)
	if err != nil {
		return err
	}
	err = l.db.WithContext(ctx).
		Where(clause.Eq{Column: clause.Column{Name: "key"}, Value: acct}).
		Delete(&failure{}).Error
	if err != nil {
		return fmt.Errorf("throttle: reset: %w", err)
	}
	return nil
}
