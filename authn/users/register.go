package users

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// idPrefix marks user ids, so they cannot be mistaken for role names or
// other kinds of id.
const idPrefix = "usr_"

// Register creates an account and returns it. It validates everything
// before writing. It first reports every problem with the form at once
// (joined, each matched with errors.Is): an email NormalizeEmail refuses
// (ErrInvalidEmail), a password the Rules refuse or the Hasher cannot take,
// such as one over bcrypt's 72 bytes (password.ErrInvalidPassword and,
// more precisely, password.ErrTooShort, password.ErrTooLongForBcrypt, …),
// a name that is empty after trimming, longer than 100 characters or holds
// control characters (ErrInvalidName). An email that already has an
// account, in any letter case, is ErrEmailTaken — also when another
// registration for it commits first, which the unique index catches.
//
// Only then is the BreachChecker, if any, asked about the password, so
// that a form refused anyway costs no request to a remote service. A
// breached password is refused with an error matching password.ErrBreached
// and password.ErrInvalidPassword; a checker that fails refuses the
// registration with its error, wrapped. Either way nothing is created.
//
// Telling a caller that an email is taken reveals that it has an account;
// applications that must not reveal this should accept the registration
// form either way and tell the owner by email.
func (s *Store) Register(ctx context.Context, email, pw, name string) (User, error) {
	normalized, emailErr := NormalizeEmail(email)
	pwErr := s.CheckPassword(pw)
	name, nameErr := normalizeName(name)
	if err := errors.Join(emailErr, pwErr, nameErr); err != nil {
		return User{}, err
	}

	// Checked before hashing so that the common case costs no hash; the
	// unique index decides races.
	if _, err := s.find(ctx, "email = ?", normalized); err == nil {
		return User{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
	} else if !errors.Is(err, ErrNotFound) {
		return User{}, fmt.Errorf("users: register: %w", err)
	}
	if err := s.checkBreached(ctx, pw); err != nil {
		return User{}, err
	}

	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return User{}, fmt.Errorf("users: register: %w", err)
	}
	id, err := newID()
	if err != nil {
		return User{}, fmt.Errorf("users: register: %w", err)
	}
	now := s.timestamp()
	rec := userRecord{ID: id, Email: normalized, Name: name, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&rec).Error; err != nil {
		// Drivers report a unique violation in their own words, and GORM
		// translates it only when asked to, so look for the winner instead.
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return User{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
		}
		if _, findErr := s.find(ctx, "email = ?", normalized); findErr == nil {
			return User{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
		}
		return User{}, fmt.Errorf("users: register: %w", err)
	}
	return rec.user(), nil
}

// newID returns "usr_" and 128 random bits in hex.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	return idPrefix + hex.EncodeToString(b), nil
}
