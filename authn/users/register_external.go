package users

import (
	"context"
	"errors"
	"fmt"
)

// RegisterExternal creates an account for a user who signs in at an
// external identity provider (see package authn/identity), without a
// password: no password logs in to it until one is set with SetPassword.
//
// email is the address the provider verified, or "" for none; it is
// normalized, must be free (ErrEmailTaken otherwise, and nothing is
// created), and is marked verified. Pass only an email the provider says
// it verified: an unverified one would let whoever typed it at the
// provider claim it here. name is the display name, normalized as
// Register's; one that is empty or invalid is replaced by fallbackName,
// which must itself be valid.
//
// Unlike Register, it hashes nothing and consults no BreachChecker: there
// is no password.
func (d *Directory) RegisterExternal(ctx context.Context, email, name, fallbackName string) (User, error) {
	normalizedEmail := ""
	if email != "" {
		var err error
		if normalizedEmail, err = NormalizeEmail(email); err != nil {
			return User{}, err
		}
	}
	normalizedName, err := normalizeName(name)
	if err != nil {
		if normalizedName, err = normalizeName(fallbackName); err != nil {
			return User{}, err
		}
	}
	id, err := newID()
	if err != nil {
		return User{}, fmt.Errorf("users: register: %w", err)
	}
	now := d.timestamp()
	u := User{ID: id, Email: normalizedEmail, Name: normalizedName, CreatedAt: now, UpdatedAt: now}
	if normalizedEmail != "" {
		verified := now
		u.EmailVerifiedAt = &verified
	}
	if err := d.store.Create(ctx, Record{User: u}); err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return User{}, fmt.Errorf("users: register: %w", ErrEmailTaken)
		}
		return User{}, storeError("register", err)
	}
	return Record{User: u}.user(), nil
}
