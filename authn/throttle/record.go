package throttle

import (
	"context"
	"fmt"

	"gorm.io/gorm/clause"
)

// RecordFailure counts one failed login to account from address ("" when
// unknown) at the current time, taking account and address as Reserve
// does. Both counts are written in one statement, so a failure is counted
// against both or neither.
//
// Deprecated: checking the count (Check) and recording a failure as two
// steps lets every attempt that starts before a failure is recorded
// through, so concurrent guesses exceed the limit. Use Reserve, and end
// its Attempt with Failed. RecordFailure remains for failures found
// without a reservation, such as those imported from another system.
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

// Reset forgets account's failures, as a successful login does
// (Attempt.Succeeded): an administrator's way to let a user in at once.
// The failures of the addresses they came from still count: a guesser who
// owns one account must not clear its address's record by logging in to
// it. Attempts in progress keep counting until they end.
func (l *Limiter) Reset(ctx context.Context, account string) error {
	acct, err := accountKey(account)
	if err != nil {
		return err
	}
	err = l.db.WithContext(ctx).
		Where(keyIs(acct)).
		Where(clause.Eq{Column: clause.Column{Name: "pending"}, Value: false}).
		Delete(&failure{}).Error
	if err != nil {
		return fmt.Errorf("throttle: reset: %w", err)
	}
	return nil
}
