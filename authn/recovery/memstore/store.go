package memstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/internal/storecheck"
)

// Store is a recovery.Store in memory. It is safe for concurrent use, and
// its zero value is an empty store, as New returns.
type Store struct {
	mu    sync.Mutex
	users map[string]map[[32]byte]code // user id → digest → code
}

var _ recovery.Store = (*Store)(nil)

// code is one stored code: when it was made, and whether and when it was
// used.
type code struct {
	createdAt, usedAt time.Time
	used              bool
}

// New returns an empty Store.
func New() *Store { return &Store{users: map[string]map[[32]byte]code{}} }

// Replace implements recovery.Store. The user id is copied, and the digests
// are copied out of the caller's slice.
func (s *Store) Replace(ctx context.Context, userID string, digests [][32]byte, at time.Time) error {
	_, err := s.replaceWhen(ctx, userID, digests, at, false)
	return err
}

// ReplaceIfNone implements recovery.Store: the check and the replacement
// under one hold of the lock.
func (s *Store) ReplaceIfNone(ctx context.Context, userID string, digests [][32]byte, at time.Time) (bool, error) {
	return s.replaceWhen(ctx, userID, digests, at, true)
}

// replaceWhen is Replace, or with ifNone ReplaceIfNone.
func (s *Store) replaceWhen(ctx context.Context, userID string, digests [][32]byte, at time.Time, ifNone bool) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if problem := storecheck.UserID(userID); problem != "" {
		return false, fmt.Errorf("recovery/memstore: %w: %s", recovery.ErrInvalidUserID, problem)
	}
	if err := storecheck.Digests(digests); err != nil {
		return false, fmt.Errorf("recovery/memstore: %w", err)
	}
	codes := make(map[[32]byte]code, len(digests))
	for _, d := range digests {
		codes[d] = code{createdAt: storecheck.Time(at)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ifNone {
		for _, c := range s.users[userID] {
			if !c.used {
				return false, nil
			}
		}
	}
	if s.users == nil {
		s.users = map[string]map[[32]byte]code{}
	}
	if len(codes) == 0 {
		delete(s.users, userID)
		return true, nil
	}
	s.users[strings.Clone(userID)] = codes
	return true, nil
}

// Consume implements recovery.Store.
func (s *Store) Consume(ctx context.Context, userID string, digest [32]byte, at time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.users[userID][digest]
	if !ok || c.used {
		return false, nil
	}
	c.used, c.usedAt = true, storecheck.Time(at)
	s.users[userID][digest] = c
	return true, nil
}

// Remaining implements recovery.Store.
func (s *Store) Remaining(ctx context.Context, userID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.users[userID] {
		if !c.used {
			n++
		}
	}
	return n, nil
}

// DeleteUser implements recovery.Store.
func (s *Store) DeleteUser(ctx context.Context, userID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := len(s.users[userID])
	delete(s.users, userID)
	return n, nil
}
