package users

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
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
// form, is ErrEmailTaken — also when another registration for it is
// stored first, which the Store's uniqueness of emails catches.
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
func (d *Directory) Register(ctx context.Context, email, pw, name string) (User, error) {
	normalized, name, err := d.checkForm(email, pw, name)
	if err != nil {
		return User{}, err
	}

	// Checked before hashing so that the common case costs no hash; the
	// Store's uniqueness of emails decides races.
	switch _, found, err := d.store.GetByEmail(ctx, normalized); {
	case err != nil:
		return User{}, storeError("register", err)
	case found:
		return User{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
	}
	if err := d.checkBreached(ctx, pw); err != nil {
		return User{}, err
	}
	rec, err := d.create(ctx, normalized, pw, name)
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
// the Store's Create, and only the Store's uniqueness of emails decides
// which case it is. The password given for a taken email is hashed and thrown away.
//
// Its result tells the caller whether the account is new; the caller must
// not tell the client. account.Service.SignUp is the flow built on it.
func (d *Directory) RegisterOrFind(ctx context.Context, email, pw, name string) (user User, created bool, err error) {
	normalized, name, err := d.checkForm(email, pw, name)
	if err != nil {
		return User{}, false, err
	}
	if err := d.checkBreached(ctx, pw); err != nil {
		return User{}, false, err
	}
	rec, err := d.create(ctx, normalized, pw, name)
	if errors.Is(err, ErrEmailTaken) {
		rec, found, err := d.store.GetByEmail(ctx, normalized)
		switch {
		case err != nil:
			return User{}, false, storeError("register: find the account of a taken email", err)
		case !found:
			// Deleted between the two calls.
			return User{}, false, fmt.Errorf("users: register: find the account of a taken email: %w", ErrNotFound)
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
func (d *Directory) checkForm(email, pw, name string) (normalizedEmail, normalizedName string, err error) {
	normalizedEmail, emailErr := NormalizeEmail(email)
	pwErr := d.CheckPassword(pw)
	normalizedName, nameErr := normalizeName(name)
	if err := errors.Join(emailErr, pwErr, nameErr); err != nil {
		return "", "", err
	}
	return normalizedEmail, normalizedName, nil
}

// create hashes pw and stores the account, or fails with ErrEmailTaken
// when the email has one.
func (d *Directory) create(ctx context.Context, email, pw, name string) (Record, error) {
	hash, err := d.hasher.Hash(pw)
	if err != nil {
		return Record{}, fmt.Errorf("users: register: %w", err)
	}
	id, err := newID()
	if err != nil {
		return Record{}, fmt.Errorf("users: register: %w", err)
	}
	now := d.timestamp()
	rec := Record{User: User{ID: id, Email: email, Name: name, CreatedAt: now, UpdatedAt: now}, PasswordHash: hash}
	if err := d.store.Create(ctx, rec); err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return Record{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
		}
		return Record{}, storeError("register", err)
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
