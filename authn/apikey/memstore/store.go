package memstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// Store is an apikey.Store in memory. It is safe for concurrent use; the
// zero value is not usable: call New.
type Store struct {
	mu       sync.Mutex
	byID     map[string]apikey.Record
	byPrefix map[string]string              // Prefix → ID
	byOwner  map[string]map[string]struct{} // OwnerID → its keys' IDs
}

var _ apikey.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		byID:     map[string]apikey.Record{},
		byPrefix: map[string]string{},
		byOwner:  map[string]map[string]struct{}{},
	}
}

// Len returns how many keys the store holds: a figure for monitoring and
// tests.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID)
}

// Insert implements apikey.Store. rec's strings are copied: the caller's
// may share memory it reuses.
func (s *Store) Insert(ctx context.Context, rec apikey.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[rec.ID]; ok {
		return fmt.Errorf("%w: id %s", apikey.ErrKeyExists, rec.ID)
	}
	if _, ok := s.byPrefix[rec.Prefix]; ok {
		return fmt.Errorf("%w: prefix %s", apikey.ErrKeyExists, rec.Prefix)
	}
	rec.ID = strings.Clone(rec.ID)
	rec.Prefix = strings.Clone(rec.Prefix)
	rec.Hash = strings.Clone(rec.Hash)
	rec.OwnerID = strings.Clone(rec.OwnerID)
	rec.Name = strings.Clone(rec.Name)
	s.byID[rec.ID] = rec
	s.byPrefix[rec.Prefix] = rec.ID
	ids := s.byOwner[rec.OwnerID]
	if ids == nil {
		ids = map[string]struct{}{}
		s.byOwner[rec.OwnerID] = ids
	}
	ids[rec.ID] = struct{}{}
	return nil
}

// Lookup implements apikey.Store.
func (s *Store) Lookup(ctx context.Context, prefix string) (apikey.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return apikey.Record{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byPrefix[prefix]
	if !ok {
		return apikey.Record{}, false, nil
	}
	return s.byID[id], true, nil
}

// Get implements apikey.Store.
func (s *Store) Get(ctx context.Context, id string) (apikey.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return apikey.Record{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byID[id]
	return rec, ok, nil
}

// List implements apikey.Store.
func (s *Store) List(ctx context.Context, ownerID string) ([]apikey.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := make([]apikey.Record, 0, len(s.byOwner[ownerID]))
	for id := range s.byOwner[ownerID] {
		recs = append(recs, s.byID[id])
	}
	return recs, nil
}

// Revoke implements apikey.Store.
func (s *Store) Revoke(ctx context.Context, id string, at time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byID[id]
	if !ok {
		return false, nil
	}
	if rec.RevokedAt.IsZero() {
		rec.RevokedAt = at
		// Keyed by the record's own copy of the id: assigning with the
		// caller's string would keep that string as the key.
		s.byID[rec.ID] = rec
	}
	return true, nil
}

// RevokeOwner implements apikey.Store.
func (s *Store) RevokeOwner(ctx context.Context, ownerID string, at time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for id := range s.byOwner[ownerID] {
		if rec := s.byID[id]; rec.RevokedAt.IsZero() {
			rec.RevokedAt = at
			s.byID[id] = rec
			n++
		}
	}
	return n, nil
}

// RecordUse implements apikey.Store.
func (s *Store) RecordUse(ctx context.Context, id string, at, staleAt time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byID[id]
	if !ok || rec.LastUsedAt.After(staleAt) {
		return false, nil
	}
	rec.LastUsedAt = at
	s.byID[rec.ID] = rec
	return true, nil
}
