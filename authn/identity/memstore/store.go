package memstore

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/internal/linkcheck"
)

// Store is an identity.Store in memory. It is safe for concurrent use, and
// its zero value is an empty store, as New returns.
type Store struct {
	mu     sync.RWMutex
	links  map[key]identity.Link
	byUser map[string]map[key]struct{} // UserID → the identities linked to it
}

var _ identity.Store = (*Store)(nil)

// key is an identity: an issuer and a subject, compared byte for byte.
type key struct{ issuer, subject string }

// New returns an empty Store.
func New() *Store {
	return &Store{links: map[key]identity.Link{}, byUser: map[string]map[key]struct{}{}}
}

// Create implements identity.Store. l's strings are copied: the caller's
// may share memory it reuses.
func (s *Store) Create(ctx context.Context, l identity.Link) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := linkcheck.Link(l); err != nil {
		return fmt.Errorf("identity/memstore: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, linked := s.links[key{l.Issuer, l.Subject}]; linked {
		return fmt.Errorf("identity/memstore: %w", identity.ErrLinked)
	}
	if s.links == nil {
		s.links, s.byUser = map[key]identity.Link{}, map[string]map[key]struct{}{}
	}
	own := identity.Link{
		Issuer:    strings.Clone(l.Issuer),
		Subject:   strings.Clone(l.Subject),
		UserID:    strings.Clone(l.UserID),
		CreatedAt: linkcheck.Time(l.CreatedAt),
	}
	k := key{own.Issuer, own.Subject}
	s.links[k] = own
	keys := s.byUser[own.UserID]
	if keys == nil {
		keys = map[key]struct{}{}
		s.byUser[own.UserID] = keys
	}
	keys[k] = struct{}{}
	return nil
}

// Find implements identity.Store.
func (s *Store) Find(ctx context.Context, issuer, subject string) (identity.Link, bool, error) {
	if err := ctx.Err(); err != nil {
		return identity.Link{}, false, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, ok := s.links[key{issuer, subject}]
	return l, ok, nil
}

// ByUser implements identity.Store. The slice is the caller's.
func (s *Store) ByUser(ctx context.Context, userID string) ([]identity.Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	keys := s.byUser[userID]
	links := make([]identity.Link, 0, len(keys))
	for k := range keys {
		links = append(links, s.links[k])
	}
	return links, nil
}

// Delete implements identity.Store.
func (s *Store) Delete(ctx context.Context, issuer, subject string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key{issuer, subject}
	l, ok := s.links[k]
	if !ok {
		return false, nil
	}
	delete(s.links, k)
	keys := s.byUser[l.UserID]
	delete(keys, k)
	if len(keys) == 0 {
		delete(s.byUser, l.UserID)
	}
	return true, nil
}

// DeleteUser implements identity.Store.
func (s *Store) DeleteUser(ctx context.Context, userID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := s.byUser[userID]
	for k := range keys {
		delete(s.links, k)
	}
	delete(s.byUser, userID)
	return len(keys), nil
}
