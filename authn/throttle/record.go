package throttle

import (
	"context"
)

// RecordFailure counts one failed login to account from address ("" when
// unknown) at the current time, taking account and address as Reserve
// does. Both counts are written in one store call, so a failure is counted
// against both or neither. A failure of the store matches ErrStore.
//
// Deprecated: checking the count (Check) and recording a failure as two
// steps lets every attempt that starts before a failure is recorded
// through, so concurrent guesses exceed the limit. Use Reserve, and end
// its Attempt with Failed. RecordFailure remains for failures found
// without a reservation, such as those imported from another system.
func (l *Limiter) RecordFailure(ctx context.Context, account, address string) error {
	keys, err := keysOf(account, address)
	if err != nil {
		return err
	}
	if err := l.store.AddFailure(ctx, keys, l.now(), l.cfg.Window); err != nil {
		return storeError("record failure", err)
	}
	return nil
}

// Reset forgets account's failures, as a successful login does
// (Attempt.Succeeded): an administrator's way to let a user in at once.
// The failures of the addresses they came from still count: a guesser who
// owns one account must not clear its address's record by logging in to
// it. Attempts in progress keep counting until they end. A failure of the
// store matches ErrStore.
func (l *Limiter) Reset(ctx context.Context, account string) error {
	acct, err := accountKey(account)
	if err != nil {
		return err
	}
	if err := l.store.Reset(ctx, acct); err != nil {
		return storeError("reset", err)
	}
	return nil
}
