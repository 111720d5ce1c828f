package throttle

import (
	"context"
	"fmt"
	"time"

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
// the same errors. A failure of the store matches ErrStore.
func (l *Limiter) Check(ctx context.Context, account, address string) error {
	keys, err := keysOf(account, address)
	if err != nil {
		return err
	}
	limits := l.limitsOf(keys)
	now := l.now()
	usage, err := l.store.Usage(ctx, limits, now, l.cfg.Window)
	if err == nil {
		err = answers(limits, usage)
	}
	if err != nil {
		return storeError("count failures", err)
	}
	if wait := l.wait(limits, usage, now); wait > 0 {
		return &authn.ThrottledError{RetryAfter: wait}
	}
	return nil
}

// wait returns how long until every key has room, given what the store
// counted at now, or 0 if each has room now; never less than a second
// otherwise. A key is full when its count is at its limit: it has room
// again once the oldest of the newest entries counted leaves the window,
// however many older ones there are. When attempts in progress are among
// them, the answer is a second: they may succeed, and free their places,
// at any moment.
func (l *Limiter) wait(limits []Limit, usage []Usage, now time.Time) time.Duration {
	var wait time.Duration
	for i, u := range usage {
		switch {
		case u.Count < limits[i].Max:
			continue
		case u.Pending:
			wait = max(wait, time.Second)
		default:
			wait = max(wait, u.Oldest.Add(l.cfg.Window).Sub(now), time.Second)
		}
	}
	return wait
}

// answers returns an error unless a store answered one Usage per limit.
func answers(limits []Limit, usage []Usage) error {
	if len(usage) != len(limits) {
		return fmt.Errorf("%d counts for %d limits", len(usage), len(limits))
	}
	return nil
}
