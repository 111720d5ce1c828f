// Package memstore keeps the used purpose-token ids of package purpose in
// memory: for tests, and for an application of one process, whose used
// tokens need not outlive it.
//
//	resets, err := purpose.New(memstore.New(), purpose.Config{Purpose: purpose.PasswordReset, …})
//
// It passes the suite of package purpose/storetest, as every store does.
package memstore

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
)

// Store is a purpose.Store in memory. It is safe for concurrent use.
type Store struct {
	mu   sync.Mutex
	used map[string]record
}

type record struct {
	purpose   string
	expiresAt time.Time
}

var _ purpose.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store { return &Store{used: make(map[string]record)} }

// IsUsed reports whether id is recorded.
func (s *Store) IsUsed(_ context.Context, id string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.used[id]
	return ok, nil
}

// MarkUsed records u.ID unless it is recorded already.
func (s *Store) MarkUsed(_ context.Context, u purpose.UsedToken) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.used[u.ID]; ok {
		return false, nil
	}
	// The map keeps the id: a copy, never the caller's memory.
	s.used[strings.Clone(u.ID)] = record{purpose: strings.Clone(u.Purpose), expiresAt: u.ExpiresAt}
	return true, nil
}

// Cleanup forgets purposeName's records whose token expired before cutoff.
func (s *Store) Cleanup(_ context.Context, purposeName string, cutoff time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for id, r := range s.used {
		if r.purpose == purposeName && r.expiresAt.Before(cutoff) {
			delete(s.used, id)
			n++
		}
	}
	return n, nil
}
