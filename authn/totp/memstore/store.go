package memstore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/internal/check"
)

// Store is a totp.Store in memory. It is safe for concurrent use; one
// mutex makes each method one atomic step. The zero value is empty and
// ready to use.
type Store struct {
	mu      sync.Mutex
	records map[string]totp.Record // by UserID
}

var _ totp.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store { return &Store{} }

// Len returns how many users have a record: a figure for monitoring and
// tests.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records)
}

// SetPending implements totp.Store.
func (s *Store) SetPending(ctx context.Context, userID string, sealed []byte, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !check.UserID(userID) {
		return fmt.Errorf("totp/memstore: %w", totp.ErrInvalidUserID)
	}
	if !check.Sealed(sealed) {
		return fmt.Errorf("totp/memstore: sealed secret is %d bytes, not 1 to %d", len(sealed), totp.MaxSealedLength)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.records == nil {
		s.records = map[string]totp.Record{}
	}
	rec, ok := s.records[userID]
	if !ok {
		// Keyed by a copy: the caller's string may be a view of memory it
		// reuses.
		rec.UserID = strings.Clone(userID)
	}
	rec.Pending = bytes.Clone(sealed)
	rec.UpdatedAt = at
	s.records[rec.UserID] = rec
	return nil
}

// Activate implements totp.Store.
func (s *Store) Activate(ctx context.Context, userID string, pending []byte, at time.Time, step int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[userID]
	if !ok || !check.Sealed(pending) || !bytes.Equal(rec.Pending, pending) {
		return false, nil
	}
	rec.Active, rec.Pending = rec.Pending, nil
	rec.LastStep = step
	rec.ActivatedAt, rec.UpdatedAt = at, at
	s.records[rec.UserID] = rec
	return true, nil
}

// Get implements totp.Store. The slices of the record it returns are
// copies.
func (s *Store) Get(ctx context.Context, userID string) (totp.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return totp.Record{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[userID]
	if !ok {
		return totp.Record{}, false, nil
	}
	rec.Pending = bytes.Clone(rec.Pending)
	rec.Active = bytes.Clone(rec.Active)
	return rec, true, nil
}

// UseStep implements totp.Store.
func (s *Store) UseStep(ctx context.Context, userID string, active []byte, step int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.records[userID]
	if !ok || !check.Sealed(active) || !bytes.Equal(rec.Active, active) || rec.LastStep >= step {
		return false, nil
	}
	rec.LastStep = step
	s.records[rec.UserID] = rec
	return true, nil
}

// Delete implements totp.Store.
func (s *Store) Delete(ctx context.Context, userID string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.records[userID]
	delete(s.records, userID)
	return ok, nil
}
