package memstore

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// Store is a users.Store in memory. It is safe for concurrent use; the
// zero value is not usable: call New.
type Store struct {
	mu      sync.RWMutex
	byID    map[string]users.Record
	byEmail map[string]string // Email → ID
}

var _ users.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{byID: map[string]users.Record{}, byEmail: map[string]string{}}
}

// Create implements users.Store. rec's strings and times are copied: the
// caller's may share memory it reuses.
func (s *Store) Create(ctx context.Context, rec users.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.byEmail[rec.Email]; taken && rec.Email != "" {
		return fmt.Errorf("users/memstore: %w", users.ErrEmailTaken)
	}
	if _, taken := s.byID[rec.ID]; taken {
		return fmt.Errorf("users/memstore: id %q is taken", rec.ID)
	}
	own := rec
	own.ID = strings.Clone(rec.ID)
	own.Email = strings.Clone(rec.Email)
	own.Name = strings.Clone(rec.Name)
	own.PasswordHash = strings.Clone(rec.PasswordHash)
	own.EmailVerifiedAt = copyTime(rec.EmailVerifiedAt)
	own.LockedAt = copyTime(rec.LockedAt)
	s.byID[own.ID] = own
	if own.Email != "" {
		s.byEmail[own.Email] = own.ID
	}
	return nil
}

// Get implements users.Store.
func (s *Store) Get(ctx context.Context, id string) (users.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return users.Record{}, false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.byID[id]
	if !ok {
		return users.Record{}, false, nil
	}
	return handOut(rec), true, nil
}

// GetByEmail implements users.Store.
func (s *Store) GetByEmail(ctx context.Context, email string) (users.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return users.Record{}, false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byEmail[email]
	if !ok || email == "" {
		return users.Record{}, false, nil
	}
	return handOut(s.byID[id]), true, nil
}

// List implements users.Store.
func (s *Store) List(ctx context.Context) ([]users.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	list := make([]users.Record, 0, len(s.byID))
	for _, rec := range s.byID {
		list = append(list, handOut(rec))
	}
	return list, nil
}

// Count implements users.Store.
func (s *Store) Count(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return int64(len(s.byID)), nil
}

// SetPasswordHash implements users.Store.
func (s *Store) SetPasswordHash(ctx context.Context, id, hash string, at time.Time) (bool, error) {
	return s.change(ctx, id, func(rec *users.Record) {
		rec.PasswordHash = strings.Clone(hash)
		rec.UpdatedAt = at
	})
}

// ReplacePasswordHash implements users.Store.
func (s *Store) ReplacePasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	replaced := false
	_, err := s.change(ctx, id, func(rec *users.Record) {
		if sameHash(rec.PasswordHash, oldHash) {
			rec.PasswordHash = strings.Clone(newHash)
			replaced = true
		}
	})
	return replaced, err
}

// SetLocked implements users.Store.
func (s *Store) SetLocked(ctx context.Context, id string, locked bool, at time.Time) (bool, error) {
	return s.change(ctx, id, func(rec *users.Record) {
		switch {
		case locked && rec.LockedAt == nil:
			rec.LockedAt, rec.UpdatedAt = &at, at
		case !locked && rec.LockedAt != nil:
			rec.LockedAt, rec.UpdatedAt = nil, at
		}
	})
}

// MarkEmailVerified implements users.Store.
func (s *Store) MarkEmailVerified(ctx context.Context, id string, at time.Time) (bool, error) {
	return s.change(ctx, id, func(rec *users.Record) {
		if rec.EmailVerifiedAt == nil {
			rec.EmailVerifiedAt, rec.UpdatedAt = &at, at
		}
	})
}

// Delete implements users.Store.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byID[id]
	if !ok {
		return false, nil
	}
	delete(s.byID, rec.ID)
	if rec.Email != "" {
		delete(s.byEmail, rec.Email)
	}
	return true, nil
}

// change applies edit to the account with id under the lock, and reports
// whether there is one. The record is stored back under its own id: the
// caller's id may be a view of memory it reuses, and must not become a key.
// The times edit stores are the callers' arguments, copies of their values.
func (s *Store) change(ctx context.Context, id string, edit func(rec *users.Record)) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byID[id]
	if !ok {
		return false, nil
	}
	edit(&rec)
	s.byID[rec.ID] = rec
	return true, nil
}

// handOut returns rec with pointers to times of its own, so that a caller
// changing them does not change what the store keeps. Its strings are the
// store's own copies, which nothing changes.
func handOut(rec users.Record) users.Record {
	rec.EmailVerifiedAt = copyTime(rec.EmailVerifiedAt)
	rec.LockedAt = copyTime(rec.LockedAt)
	return rec
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

// sameHash reports whether two password hashes are equal, in constant
// time, as gatehouse compares every secret.
func sameHash(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
