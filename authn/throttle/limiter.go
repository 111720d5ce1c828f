package throttle

import (
	"fmt"
	"time"
)

// Limiter counts failed logins in a Store and refuses logins over the
// limit. Build one with New; it is safe for concurrent use, and processes
// sharing the store's data (one database, one Redis) share the counts.
type Limiter struct {
	store Store
	cfg   Config
}

// MaxAccountLength is the longest account name accepted, in bytes: room for
// any email address (at most 254) or user name.
const MaxAccountLength = 320

// MaxAddressLength is the longest client address accepted, in bytes: room
// for any IPv6 address with a port, or with a zone.
const MaxAddressLength = 64

// New returns a Limiter that keeps its counts in store: a
// gormstore.Store to share them through a database, a redisstore.Store
// through Redis, or a memstore.Store within one process. Every Limiter
// sharing a store's data must have the same Window. New refuses a nil
// store and a Config it cannot use with an error matching
// ErrInvalidConfig.
func New(store Store, cfg Config) (*Limiter, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: store is nil", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Limiter{store: store, cfg: cfg}, nil
}

// now returns the clock's time in UTC at microsecond precision, the
// precision every Store keeps.
func (l *Limiter) now() time.Time {
	return l.cfg.Now().UTC().Truncate(time.Microsecond)
}

// accountKey returns the key failures of account are counted under.
func accountKey(account string) (string, error) {
	switch {
	case account == "":
		return "", fmt.Errorf("%w: empty", ErrInvalidAccount)
	case len(account) > MaxAccountLength:
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidAccount, MaxAccountLength)
	}
	return "account:" + account, nil
}

// keysOf returns the keys an attempt on account from address counts
// under, the account's first: the address's only when it is known.
func keysOf(account, address string) ([]string, error) {
	acct, err := accountKey(account)
	if err != nil {
		return nil, err
	}
	addr, err := addressKey(address)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		return []string{acct}, nil
	}
	return []string{acct, addr}, nil
}

// limitsOf returns the limits of keys as keysOf returns them.
func (l *Limiter) limitsOf(keys []string) []Limit {
	limits := []Limit{{Key: keys[0], Max: l.cfg.MaxFailures}}
	if len(keys) > 1 {
		limits = append(limits, Limit{Key: keys[1], Max: l.cfg.MaxFailuresPerAddress})
	}
	return limits
}

// storeError wraps err, a Store's, in ErrStore with what was being done.
func storeError(doing string, err error) error {
	return fmt.Errorf("%w: %s: %w", ErrStore, doing, err)
}
