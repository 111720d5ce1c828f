package users

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

// Directory is the service that registers accounts and logs them in, over
// the Store given to New, which keeps them. It is safe for concurrent use,
// and any number of Directories, in one process or many, may share a
// Store that is shared itself (such as users/gormstore on one database).
type Directory struct {
	store    Store
	hasher   password.Hasher
	rules    password.Rules
	breaches password.BreachChecker
	now      func() time.Time
	logger   *slog.Logger
	// dummyHash is verified in place of a real hash when a login names no
	// account, so that such a login costs what a real one does.
	dummyHash string
}

// New returns a Directory keeping its accounts in store, such as one of
// users/gormstore (SQL databases) or users/memstore (memory). It refuses a
// nil store or invalid Rules with an error matching ErrInvalidConfig.
//
// New hashes a random password with the configured hasher once, so
// Authenticate can spend the same work on unknown emails as on known ones.
func New(store Store, cfg Config) (*Directory, error) {
	if store == nil {
		return nil, fmt.Errorf("users: %w: nil Store", ErrInvalidConfig)
	}
	if err := cfg.Rules.Validate(); err != nil {
		return nil, fmt.Errorf("users: %w: %w", ErrInvalidConfig, err)
	}
	d := &Directory{store: store, hasher: cfg.Hasher, rules: cfg.Rules, breaches: cfg.BreachChecker, now: cfg.Now, logger: cfg.Logger}
	if d.hasher == nil {
		h, err := password.NewArgon2id(password.DefaultArgon2idParams)
		if err != nil {
			return nil, fmt.Errorf("users: default hasher: %w", err)
		}
		d.hasher = h
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.logger == nil {
		d.logger = slog.New(slog.DiscardHandler)
	}
	dummy := make([]byte, 32)
	if _, err := rand.Read(dummy); err != nil {
		return nil, fmt.Errorf("users: dummy password: %w", err)
	}
	h, err := d.hasher.Hash(base64.RawURLEncoding.EncodeToString(dummy))
	if err != nil {
		return nil, fmt.Errorf("users: dummy hash: %w", err)
	}
	d.dummyHash = h
	return d, nil
}

// timestamp returns the clock's time as stores keep it: UTC, to the
// microsecond, which every database keeps exactly, so a User returned by a
// write equals the one read back.
func (d *Directory) timestamp() time.Time {
	return d.now().UTC().Truncate(time.Microsecond)
}
