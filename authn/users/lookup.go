package users

import (
	"cmp"
	"context"
	"fmt"
	"slices"
)

// Get returns the user with the given id, or an error matching ErrNotFound.
// It is one call to the Store.
func (d *Directory) Get(ctx context.Context, id string) (User, error) {
	rec, err := d.get(ctx, "get", id)
	if err != nil {
		return User{}, err
	}
	return rec.user(), nil
}

// GetByEmail returns the user with the given email, in any letter case, or
// an error matching ErrNotFound. An email NormalizeEmail refuses is
// ErrInvalidEmail: it cannot belong to anyone. It is one call to the
// Store.
func (d *Directory) GetByEmail(ctx context.Context, email string) (User, error) {
	normalized, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	rec, found, err := d.store.GetByEmail(ctx, normalized)
	switch {
	case err != nil:
		return User{}, storeError("get by email", err)
	case !found:
		return User{}, fmt.Errorf("users: get by email: %w", ErrNotFound)
	}
	return rec.user(), nil
}

// List returns every user, oldest first; users created at the same instant
// are ordered by id. It loads every account, so it suits administration
// of modest user bases rather than paging through millions.
func (d *Directory) List(ctx context.Context) ([]User, error) {
	recs, err := d.store.List(ctx)
	if err != nil {
		return nil, storeError("list", err)
	}
	list := make([]User, len(recs))
	for i, r := range recs {
		list[i] = r.user()
	}
	slices.SortFunc(list, func(a, b User) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return list, nil
}

// UsersWithUnnormalizedEmail returns the users whose stored email is not
// in the form NormalizeEmail gives today, oldest first: addresses stored by
// an earlier version, which only trimmed and lowercased them, that hold
// fullwidth or other compatibility characters, or invisible ones. Such an
// account can no longer be found by its email, so its owner cannot log in
// or reset the password, and it may be a look-alike of another account
// (ａlice@example.com beside alice@example.com). Review each: change the
// address of a genuine one to its normalized form, when no other account
// holds that, or lock or delete an impostor. Like List, it reads every
// account.
func (d *Directory) UsersWithUnnormalizedEmail(ctx context.Context) ([]User, error) {
	all, err := d.List(ctx)
	if err != nil {
		return nil, err
	}
	var found []User
	for _, u := range all {
		if u.Email == "" {
			continue // an account without an email (RegisterExternal)
		}
		if normalized, err := NormalizeEmail(u.Email); err != nil || normalized != u.Email {
			found = append(found, u)
		}
	}
	return found, nil
}

// Count returns the number of users.
func (d *Directory) Count(ctx context.Context) (int64, error) {
	n, err := d.store.Count(ctx)
	if err != nil {
		return 0, storeError("count", err)
	}
	return n, nil
}

// get returns the record of id, or an error matching ErrNotFound or
// ErrStore that names op.
func (d *Directory) get(ctx context.Context, op, id string) (Record, error) {
	rec, found, err := d.store.Get(ctx, id)
	switch {
	case err != nil:
		return Record{}, storeError(fmt.Sprintf("%s %q", op, id), err)
	case !found:
		return Record{}, fmt.Errorf("users: %s %q: %w", op, id, ErrNotFound)
	}
	return rec, nil
}
