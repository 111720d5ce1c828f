package memstore

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
)

// Store is a passkey.Store in memory. It is safe for concurrent use; one
// mutex makes each method one atomic step. The zero value is empty and
// ready to use.
type Store struct {
	mu      sync.Mutex
	handles map[string][]byte             // by user id
	users   map[string]string             // user id by string(handle)
	creds   map[string]passkey.Credential // by string(credential id)
}

var _ passkey.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store { return &Store{} }

// UserHandle implements passkey.Store.
func (s *Store) UserHandle(ctx context.Context, userID string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.handles[userID]
	return bytes.Clone(h), ok, nil
}

// EnsureUserHandle implements passkey.Store.
func (s *Store) EnsureUserHandle(ctx context.Context, userID string, handle []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !check.UserID(userID) || !check.UserHandle(handle) {
		return nil, fmt.Errorf("passkey/memstore: %w: user id or handle out of bounds", passkey.ErrInvalidInput)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.handles[userID]; ok {
		return bytes.Clone(h), nil
	}
	if _, taken := s.users[string(handle)]; taken {
		return nil, fmt.Errorf("passkey/memstore: user handle kept for another user")
	}
	if s.handles == nil {
		s.handles, s.users = map[string][]byte{}, map[string]string{}
	}
	id := strings.Clone(userID)
	s.handles[id] = bytes.Clone(handle)
	s.users[string(handle)] = id
	return bytes.Clone(handle), nil
}

// UserByHandle implements passkey.Store.
func (s *Store) UserByHandle(ctx context.Context, handle []byte) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.users[string(handle)]
	return id, ok, nil
}

// AddCredential implements passkey.Store.
func (s *Store) AddCredential(ctx context.Context, c passkey.Credential) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !check.UserID(c.UserID) || !check.CredentialID(c.ID) || !check.Name(c.Name) {
		return fmt.Errorf("passkey/memstore: %w: user id, credential id or name out of bounds", passkey.ErrInvalidInput)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.creds[string(c.ID)]; ok {
		return fmt.Errorf("passkey/memstore: %w", passkey.ErrCredentialExists)
	}
	if s.creds == nil {
		s.creds = map[string]passkey.Credential{}
	}
	c.UserID = strings.Clone(c.UserID)
	c.Name = strings.Clone(c.Name)
	s.creds[string(c.ID)] = clone(c)
	return nil
}

// Credentials implements passkey.Store.
func (s *Store) Credentials(ctx context.Context, userID string) ([]passkey.Credential, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []passkey.Credential
	for _, c := range s.creds {
		if c.UserID == userID {
			out = append(out, clone(c))
		}
	}
	slices.SortFunc(out, func(a, b passkey.Credential) int {
		if n := a.CreatedAt.Compare(b.CreatedAt); n != 0 {
			return n
		}
		return bytes.Compare(a.ID, b.ID)
	})
	return out, nil
}

// UpdateUse implements passkey.Store.
func (s *Store) UpdateUse(ctx context.Context, userID string, id []byte, from, to uint32, backupState bool, at time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[string(id)]
	if !ok || c.UserID != userID || c.SignCount != from {
		return false, nil
	}
	c.SignCount, c.BackupState, c.LastUsedAt = to, backupState, at
	s.creds[string(id)] = c
	return true, nil
}

// DeleteCredential implements passkey.Store.
func (s *Store) DeleteCredential(ctx context.Context, userID string, id []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[string(id)]
	if !ok || c.UserID != userID {
		return false, nil
	}
	delete(s.creds, string(id))
	return true, nil
}

// clone returns c with slices of its own.
func clone(c passkey.Credential) passkey.Credential {
	c.ID = bytes.Clone(c.ID)
	c.PublicKey = bytes.Clone(c.PublicKey)
	c.AAGUID = bytes.Clone(c.AAGUID)
	c.Transports = slices.Clone(c.Transports)
	return c
}
