package memstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// Store is a refresh.Store in memory. It is safe for concurrent use; the
// zero value is not usable: call New.
type Store struct {
	mu        sync.Mutex
	byHash    map[string]refresh.Record      // by TokenHash
	byID      map[string]string              // ID → TokenHash
	byFamily  map[string]map[string]struct{} // FamilyID → its tokens' hashes
	bySubject map[string]map[string]struct{} // Subject → its tokens' hashes
}

var _ refresh.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		byHash:    map[string]refresh.Record{},
		byID:      map[string]string{},
		byFamily:  map[string]map[string]struct{}{},
		bySubject: map[string]map[string]struct{}{},
	}
}

// Len returns how many tokens the store holds, used, revoked and expired
// ones included: a figure for monitoring and tests.
func (s *Store) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byHash)
}

// Insert implements refresh.Store. rec's strings are copied: the caller's
// may share memory it reuses.
func (s *Store) Insert(ctx context.Context, rec refresh.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.add(rec)
}

// add stores a copy of rec unless its id or hash is taken. s.mu is held.
func (s *Store) add(rec refresh.Record) error {
	if _, ok := s.byHash[rec.TokenHash]; ok {
		return fmt.Errorf("%w: token hash", refresh.ErrTokenExists)
	}
	if _, ok := s.byID[rec.ID]; ok {
		return fmt.Errorf("%w: id %s", refresh.ErrTokenExists, rec.ID)
	}
	rec.ID = strings.Clone(rec.ID)
	rec.FamilyID = strings.Clone(rec.FamilyID)
	rec.Subject = strings.Clone(rec.Subject)
	rec.TokenHash = strings.Clone(rec.TokenHash)
	rec.Methods = strings.Clone(rec.Methods)
	s.byHash[rec.TokenHash] = rec
	s.byID[rec.ID] = rec.TokenHash
	addTo(s.byFamily, rec.FamilyID, rec.TokenHash)
	addTo(s.bySubject, rec.Subject, rec.TokenHash)
	return nil
}

func addTo(index map[string]map[string]struct{}, key, hash string) {
	hashes := index[key]
	if hashes == nil {
		hashes = map[string]struct{}{}
		index[key] = hashes
	}
	hashes[hash] = struct{}{}
}

// Find implements refresh.Store.
func (s *Store) Find(ctx context.Context, tokenHash string) (refresh.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return refresh.Record{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byHash[tokenHash]
	return rec, ok, nil
}

// Rotate implements refresh.Store, under the one lock.
func (s *Store) Rotate(ctx context.Context, tokenHash string, next refresh.Record, now time.Time) (refresh.Rotation, error) {
	if err := ctx.Err(); err != nil {
		return refresh.Rotation{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec, ok := s.byHash[tokenHash]
	switch {
	case !ok:
		return refresh.Rotation{Outcome: refresh.NotFound}, nil
	case !rec.RevokedAt.IsZero():
		return refresh.Rotation{Outcome: refresh.Revoked, Presented: rec}, nil
	case !rec.UsedAt.IsZero():
		s.revoke(s.byFamily[rec.FamilyID], now)
		return refresh.Rotation{Outcome: refresh.Reused, Presented: rec}, nil
	case rec.Expired(now):
		return refresh.Rotation{Outcome: refresh.Expired, Presented: rec}, nil
	}
	successor := rec.Successor(next)
	if err := s.add(successor); err != nil {
		return refresh.Rotation{}, err
	}
	used := rec
	used.UsedAt = now
	// Keyed by the record's own copy of the hash: assigning with the
	// caller's string would keep that string as the key.
	s.byHash[rec.TokenHash] = used
	return refresh.Rotation{Outcome: refresh.Rotated, Presented: rec, Next: s.byHash[successor.TokenHash]}, nil
}

// RevokeFamily implements refresh.Store.
func (s *Store) RevokeFamily(ctx context.Context, familyID, subject string, now time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	hashes := s.byFamily[familyID]
	for hash := range hashes {
		if subject != "" && s.byHash[hash].Subject != subject {
			return false, nil
		}
		break
	}
	s.revoke(hashes, now)
	return len(hashes) > 0, nil
}

// RevokeSubject implements refresh.Store.
func (s *Store) RevokeSubject(ctx context.Context, subject string, now time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revoke(s.bySubject[subject], now), nil
}

// revoke sets RevokedAt to now on the tokens of hashes not yet revoked,
// and returns how many. s.mu is held.
func (s *Store) revoke(hashes map[string]struct{}, now time.Time) int64 {
	var n int64
	for hash := range hashes {
		if rec := s.byHash[hash]; rec.RevokedAt.IsZero() {
			rec.RevokedAt = now
			s.byHash[hash] = rec
			n++
		}
	}
	return n
}

// LiveTokens implements refresh.Store.
func (s *Store) LiveTokens(ctx context.Context, subject string, now time.Time) ([]refresh.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	recs := []refresh.Record{}
	for hash := range s.bySubject[subject] {
		if rec := s.byHash[hash]; rec.Live(now) {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// Cleanup implements refresh.Store: a token goes when its family's end is
// before cutoff, or when every token of its family expired before cutoff.
func (s *Store) Cleanup(ctx context.Context, cutoff time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, hashes := range s.byFamily {
		allExpired := true
		for hash := range hashes {
			if !s.byHash[hash].ExpiresAt.Before(cutoff) {
				allExpired = false
				break
			}
		}
		// remove deletes from hashes, and the family from s.byFamily once
		// it is empty: both allowed while ranging over them.
		for hash := range hashes {
			if rec := s.byHash[hash]; allExpired || rec.FamilyExpiresAt.Before(cutoff) {
				s.remove(rec)
				n++
			}
		}
	}
	return n, nil
}

// remove drops rec from every index. s.mu is held.
func (s *Store) remove(rec refresh.Record) {
	delete(s.byHash, rec.TokenHash)
	delete(s.byID, rec.ID)
	removeFrom(s.byFamily, rec.FamilyID, rec.TokenHash)
	removeFrom(s.bySubject, rec.Subject, rec.TokenHash)
}

func removeFrom(index map[string]map[string]struct{}, key, hash string) {
	if hashes := index[key]; hashes != nil {
		delete(hashes, hash)
		if len(hashes) == 0 {
			delete(index, key)
		}
	}
}
