package refresh

import (
	"fmt"
	"log/slog"
	"time"
)

// Tokens issues, rotates and revokes refresh tokens kept in a Store. It is
// safe for concurrent use, and several Tokens, in one process or many, may
// share a store's backend.
type Tokens struct {
	store Store
	cfg   Config
	log   *slog.Logger
}

// New returns Tokens that keep refresh tokens in store: gormstore.New or
// memstore.New, or a Store of one's own. It refuses a nil store and a
// Config with a negative lifetime, with an error matching
// ErrInvalidConfig.
func New(store Store, cfg Config) (*Tokens, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: store is nil", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Tokens{store: store, cfg: cfg, log: cfg.Logger}, nil
}

// now returns the current time in UTC, so that every time stored compares
// correctly with every other, even as text (SQLite), and to the
// microsecond, which every store keeps, so that a time read back is the
// one written.
func (t *Tokens) now() time.Time { return t.cfg.Now().UTC().Truncate(time.Microsecond) }
