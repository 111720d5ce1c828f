package memstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

// minSweep is the size below which Create never sweeps: a few hundred
// sessions cost nothing to keep until Cleanup.
const minSweep = 1024

// Store is a session.Store in memory. It is safe for concurrent use; the
// zero value is not usable: call New.
type Store struct {
	mu        sync.Mutex
	byHash    map[string]session.Record      // by TokenHash
	byID      map[string]string              // ID → TokenHash
	bySubject map[string]map[string]struct{} // Subject → its sessions' TokenHashes
	// sweepAt is the size at which Create next drops expired sessions.
	sweepAt int
}

var _ session.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		byHash:    map[string]session.Record{},
		byID:      map[string]string{},
		bySubject: map[string]map[string]struct{}{},
		sweepAt:   minSweep,
	}
}

// Len returns how many sessions the store holds, expired ones it has not
// dropped yet included: a figure for monitoring and tests.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byHash)
}

// Create implements session.Store. rec's strings are copied: the caller's
// may share memory it reuses.
func (s *Store) Create(ctx context.Context, rec session.Record, idleTimeout time.Duration, replaceTokenHash string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.byHash[rec.TokenHash]; ok && old.Live(rec.CreatedAt, idleTimeout) {
		return fmt.Errorf("%w: token hash", session.ErrSessionExists)
	}
	if hash, ok := s.byID[rec.ID]; ok && s.byHash[hash].Live(rec.CreatedAt, idleTimeout) {
		return fmt.Errorf("%w: id %s", session.ErrSessionExists, rec.ID)
	}
	// A dead session with the same id or hash gives way.
	if hash, ok := s.byID[rec.ID]; ok {
		s.remove(hash)
	}
	s.remove(rec.TokenHash)
	if replaceTokenHash != "" {
		s.remove(replaceTokenHash)
	}
	rec = session.Record{
		ID:         strings.Clone(rec.ID),
		TokenHash:  strings.Clone(rec.TokenHash),
		Subject:    strings.Clone(rec.Subject),
		CreatedAt:  rec.CreatedAt,
		LastSeenAt: rec.LastSeenAt,
		ExpiresAt:  rec.ExpiresAt,
		Methods:    strings.Clone(rec.Methods),
	}
	s.byHash[rec.TokenHash] = rec
	s.byID[rec.ID] = rec.TokenHash
	hashes := s.bySubject[rec.Subject]
	if hashes == nil {
		hashes = map[string]struct{}{}
		s.bySubject[rec.Subject] = hashes
	}
	hashes[rec.TokenHash] = struct{}{}
	if len(s.byHash) >= s.sweepAt {
		s.sweep(rec.CreatedAt, idleTimeout)
		s.sweepAt = max(2*len(s.byHash), minSweep)
	}
	return nil
}

// Touch implements session.Store.
func (s *Store) Touch(ctx context.Context, tokenHash string, use session.Use) (session.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return session.Record{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byHash[tokenHash]
	if !ok || !rec.Live(use.Now, use.IdleTimeout) {
		return session.Record{}, false, nil
	}
	if use.Due(rec) {
		rec.LastSeenAt = use.SeenAt
		// Keyed by the record's own copy: assigning to a map with the
		// caller's string would put that string in as the key.
		s.byHash[rec.TokenHash] = rec
	}
	return rec, true, nil
}

// Destroy implements session.Store.
func (s *Store) Destroy(ctx context.Context, tokenHash string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(tokenHash)
	return nil
}

// DestroyByID implements session.Store.
func (s *Store) DestroyByID(ctx context.Context, subject, id string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	hash, ok := s.byID[id]
	if !ok || s.byHash[hash].Subject != subject {
		return false, nil
	}
	s.remove(hash)
	return true, nil
}

// DestroySubject implements session.Store.
func (s *Store) DestroySubject(ctx context.Context, subject string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for hash := range s.bySubject[subject] {
		s.remove(hash)
	}
	return nil
}

// List implements session.Store.
func (s *Store) List(ctx context.Context, subject string, now time.Time, idleTimeout time.Duration) ([]session.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := []session.Record{}
	for hash := range s.bySubject[subject] {
		if rec := s.byHash[hash]; rec.Live(now, idleTimeout) {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// Cleanup implements session.Store.
func (s *Store) Cleanup(ctx context.Context, now time.Time, idleTimeout time.Duration) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sweep(now, idleTimeout), nil
}

// sweep drops the sessions not live at now and returns how many. s.mu is
// held.
func (s *Store) sweep(now time.Time, idleTimeout time.Duration) int64 {
	var n int64
	for hash, rec := range s.byHash {
		if !rec.Live(now, idleTimeout) {
			s.remove(hash)
			n++
		}
	}
	return n
}

// remove drops the session whose TokenHash is hash, if any, from every
// index. s.mu is held.
func (s *Store) remove(hash string) {
	rec, ok := s.byHash[hash]
	if !ok {
		return
	}
	delete(s.byHash, hash)
	delete(s.byID, rec.ID)
	if hashes := s.bySubject[rec.Subject]; hashes != nil {
		delete(hashes, hash)
		if len(hashes) == 0 {
			delete(s.bySubject, rec.Subject)
		}
	}
}
