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
// a name that is empty after trimming, longer than 100 characters, shows
// nothing or holds control or invisible characters (ErrInvalidName). An
// email that already has an account, in any letter case or compatibility
// form, is ErrEmailTaken — also when another registration for it commits
// first, which the unique index catches.
//
// Only then is the BreachChecker, if any, asked about the password, so
// that a form refused anyway costs no request to a remote service. A
// breached password is refused with an error matching password.ErrBreached
// and password.ErrInvalidPassword; a checker that fails refuses the
// registration with its error, wrapped. Either way nothing is created.
//
// Register tells its caller whether an email has an account, and does so
// quickly, before any hashing: an application that passes ErrEmailTaken on
// to the client (409 Conflict, "this email is registered") lets anyone
// find out who has an account, which login is careful not to reveal. That
// is a trade-off some applications accept for a simpler sign-up. Those
// that do not should use RegisterOrFind, or account.Service.SignUp, which
// answers the client the same way whether or not the email was free and
// tells the owner of an existing account by email instead.
func (s *Store) Register(ctx context.Context, email, pw, name string) (User, error) {
	normalized, name, err := s.checkForm(email, pw, name)
	if err != nil {
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
	rec, err := s.create(ctx, normalized, pw, name)
	if err != nil {
		return User{}, err
	}
	return rec.user(), nil
}

// RegisterOrFind creates an account as Register does, except for an email
// that already has one: then it returns that account, unchanged, with
// created false, rather than ErrEmailTaken. It does the same work either
// way, so that its time does not tell the cases apart: it validates the
// form (refusing it with Register's errors, the same whether or not the
// email is taken), asks the BreachChecker, hashes the password and tries
// the insert, and only the unique index on emails decides which case it
// is. The password given for a taken email is hashed and thrown away.
//
// Its result tells the caller whether the account is new; the caller must
// not tell the client. account.Service.SignUp is the flow built on it.
func (s *Store) RegisterOrFind(ctx context.Context, email, pw, name string) (user User, created bool, err error) {
	normalized, name, err := s.checkForm(email, pw, name)
	if err != nil {
		return User{}, false, err
	}
	if err := s.checkBreached(ctx, pw); err != nil {
		return User{}, false, err
	}
	rec, err := s.create(ctx, normalized, pw, name)
	if errors.Is(err, ErrEmailTaken) {
		rec, err = s.find(ctx, "email = ?", normalized)
		if err != nil {
			return User{}, false, fmt.Errorf("users: register: find the account of a taken email: %w", err)
		}
		return rec.user(), false, nil
	}
	if err != nil {
		return User{}, false, err
	}
	return rec.user(), true, nil
}

// checkForm returns the normalized email and name of a registration, or
// every problem with the form, joined.
func (s *Store) checkForm(email, pw, name string) (normalizedEmail, normalizedName string, err error) {
	normalizedEmail, emailErr := NormalizeEmail(email)
	pwErr := s.CheckPassword(pw)
	normalizedName, nameErr := normalizeName(name)
	if err := errors.Join(emailErr, pwErr, nameErr); err != nil {
		return "", "", err
	}
	return normalizedEmail, normalizedName, nil
}

// create hashes pw and inserts the account, or fails with ErrEmailTaken
// when the email has one.
func (s *Store) create(ctx context.Context, email, pw, name string) (userRecord, error) {
	hash, err := s.hasher.Hash(pw)
	if err != nil {
		return userRecord{}, fmt.Errorf("users: register: %w", err)
	}
	id, err := newID()
	if err != nil {
		return userRecord{}, fmt.Errorf("users: register: %w", err)
	}
	now := s.timestamp()
	rec := userRecord{ID: id, Email: email, Name: name, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&rec).Error; err != nil {
		// Drivers report a unique violation in their own words, and GORM
		// translates it only when asked to, so look for the winner instead.
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return userRecord{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
		}
		if _, findErr := s.find(ctx, "email = ?", email); findErr == nil {
			return userRecord{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
		}
		return userRecord{}, fmt.Errorf("users: register: %w", err)
	}
	return rec, nil
}

// newID returns "usr_" and 128 random bits in hex.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("user id: %w", err)
	}
	return idPrefix + hex.EncodeToString(b), nil
}
