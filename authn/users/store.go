package users

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/password"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Config configures a Store. The zero value is ready to use.
type Config struct {
	// Hasher hashes new passwords. nil means Argon2id with
	// password.DefaultArgon2idParams. Changing it later is safe: hashes
	// made by any hasher of package password keep verifying, and each is
	// replaced by one of the new hasher at its owner's next login.
	//
	// To pepper the hashes (OWASP ASVS 2.4.5), give a hasher wrapped by
	// password.Peppered; with password.AcceptUnpeppered the hashes stored
	// before it keep verifying and are peppered at their owners' next
	// logins. Once hashes are peppered, every Store must be given the same
	// pepper, for ever.
	Hasher password.Hasher
	// Rules bound the length of new passwords; the zero value allows 12 to
	// 128 characters. They are not applied at login, so tightening them
	// does not lock anyone out.
	Rules password.Rules
	// BreachChecker, when set, is asked about every new password, at
	// Register, SetPassword and CheckNewPassword, once it has passed the
	// Rules; a password it reports breached is refused with an error
	// matching password.ErrBreached (and password.ErrInvalidPassword).
	// nil means no check, which falls short of OWASP ASVS level 2 (2.1.7):
	// use password.PwnedPasswords, or a password.List where no outside
	// service may be asked. Passwords are not checked at login.
	//
	// A checker that fails refuses the password too (fail closed): its
	// error, such as password.ErrBreachCheckUnavailable, is returned
	// wrapped, matches no password error, and nothing is written. To fail
	// open instead, give a checker that logs such errors and returns
	// (false, nil).
	BreachChecker password.BreachChecker
	// Now returns the current time; nil means time.Now. Tests set it to
	// control timestamps.
	Now func() time.Time
	// Logger receives warnings the caller cannot act on at once, such as a
	// failure to store a rehashed password, naming users only by id. nil
	// discards them.
	Logger *slog.Logger
}

// Store keeps user accounts in a GORM database. It is safe for concurrent
// use.
type Store struct {
	db       *gorm.DB
	hasher   password.Hasher
	rules    password.Rules
	breaches password.BreachChecker
	now      func() time.Time
	logger   *slog.Logger
	// dummyHash is verified in place of a real hash when a login names no
	// account, so that such a login costs what a real one does.
	dummyHash string
}

// New returns a Store over db, creating the gatehouse_users table and its
// indexes if they are missing. It refuses a nil db or invalid Rules with an
// error matching ErrInvalidConfig.
//
// New hashes a random password with the configured hasher once, so
// Authenticate can spend the same work on unknown emails as on known ones.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("users: %w: nil *gorm.DB", ErrInvalidConfig)
	}
	if err := cfg.Rules.Validate(); err != nil {
		return nil, fmt.Errorf("users: %w: %w", ErrInvalidConfig, err)
	}
	s := &Store{db: db, hasher: cfg.Hasher, rules: cfg.Rules, breaches: cfg.BreachChecker, now: cfg.Now, logger: cfg.Logger}
	if s.hasher == nil {
		h, err := password.NewArgon2id(password.DefaultArgon2idParams)
		if err != nil {
			return nil, fmt.Errorf("users: default hasher: %w", err)
		}
		s.hasher = h
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if err := migrate(ctx, db); err != nil {
		return nil, err
	}
	dummy := make([]byte, 32)
	if _, err := rand.Read(dummy); err != nil {
		return nil, fmt.Errorf("users: dummy password: %w", err)
	}
	h, err := s.hasher.Hash(base64.RawURLEncoding.EncodeToString(dummy))
	if err != nil {
		return nil, fmt.Errorf("users: dummy hash: %w", err)
	}
	s.dummyHash = h
	return s, nil
}

// migrate creates the table and its indexes if they are missing.
func migrate(ctx context.Context, db *gorm.DB) error {
	if err := schema.Migrate(ctx, db, &userRecord{}); err != nil {
		return fmt.Errorf("users: create table gatehouse_users: %w", err)
	}
	return nil
}

// timestamp returns the clock's time as stored: UTC, to the microsecond,
// which every database keeps exactly (the columns declare that precision,
// or MySQL would keep milliseconds), so a User returned by a write equals
// the one read back.
func (s *Store) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}
