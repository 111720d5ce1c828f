package apikey

import (
	"fmt"
	"time"
)

// Keys creates, verifies, lists and revokes API keys kept in a Store. It is
// safe for concurrent use, and several Keys, in one process or many, may
// share a store's backend.
type Keys struct {
	store Store
	cfg   Config
}

// New returns Keys that keep API keys in store: gormstore.New or
// memstore.New, or a Store of one's own. It refuses a nil store and a
// Config it cannot use with an error matching ErrInvalidConfig.
func New(store Store, cfg Config) (*Keys, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: store is nil", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Keys{store: store, cfg: cfg}, nil
}

// now returns the clock's time in UTC at microsecond precision, the finest
// that common SQL databases store, so a time read back equals the one
// written.
func (k *Keys) now() time.Time {
	return k.cfg.Now().UTC().Truncate(time.Microsecond)
}
