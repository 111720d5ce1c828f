package users

import (
	"context"
	"fmt"
)

// Get returns the user with the given id, or an error matching ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (User, error) {
	rec, err := s.find(ctx, "id = ?", id)
	if err != nil {
		return User{}, fmt.Errorf("users: get %q: %w", id, err)
	}
	return rec.user(), nil
}

// GetByEmail returns the user with the given email, in any letter case, or
// an error matching ErrNotFound. An email NormalizeEmail refuses is
// ErrInvalidEmail: it cannot belong to anyone.
func (s *Store) GetByEmail(ctx context.Context, email string) (User, error) {
	normalized, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	rec, err := s.find(ctx, "email = ?", normalized)
	if err != nil {
		return User{}, fmt.Errorf("users: get by email: %w", err)
	}
	return rec.user(), nil
}

// List returns every user, oldest first; users created at the same instant
// are ordered by id. It loads the whole table, so it suits administration
// of modest user bases rather than paging through millions.
func (s *Store) List(ctx context.Context) ([]User, error) {
	var recs []userRecord
	if err := s.db.WithContext(ctx).Order("created_at, id").Find(&recs).Error; err != nil {
		return nil, fmt.Errorf("users: list: %w", err)
	}
	list := make([]User, len(recs))
	for i, r := range recs {
		list[i] = r.user()
	}
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
// holds that, or lock or delete an impostor. Like List, it reads the whole
// table.
func (s *Store) UsersWithUnnormalizedEmail(ctx context.Context) ([]User, error) {
	all, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	var found []User
	for _, u := range all {
		if normalized, err := NormalizeEmail(u.Email); err != nil || normalized != u.Email {
			found = append(found, u)
		}
	}
	return found, nil
}

// Count returns the number of users.
func (s *Store) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&userRecord{}).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("users: count: %w", err)
	}
	return n, nil
}

// find returns the one record matching the condition, or ErrNotFound. It
// uses Find with a limit rather than First, which would log every miss.
func (s *Store) find(ctx context.Context, query string, arg any) (userRecord, error) {
	var rec userRecord
	res := s.db.WithContext(ctx).Where(query, arg).Limit(1).Find(&rec)
	if res.Error != nil {
		return userRecord{}, res.Error
	}
	if res.RowsAffected == 0 {
		return userRecord{}, ErrNotFound
	}
	return rec, nil
}
