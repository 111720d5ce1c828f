package memstore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
)

// Challenges is a passkey.ChallengeStore in memory. It is safe for
// concurrent use. The zero value is empty and ready to use.
type Challenges struct {
	mu   sync.Mutex
	byID map[string]passkey.Challenge
}

var _ passkey.ChallengeStore = (*Challenges)(nil)

// NewChallenges returns an empty Challenges.
func NewChallenges() *Challenges { return &Challenges{} }

// Put implements passkey.ChallengeStore.
func (s *Challenges) Put(ctx context.Context, c passkey.Challenge) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !check.ChallengeID(c.ID) {
		return fmt.Errorf("passkey/memstore: %w: ceremony id out of bounds", passkey.ErrInvalidInput)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byID[c.ID]; ok {
		return fmt.Errorf("passkey/memstore: ceremony id kept already")
	}
	if s.byID == nil {
		s.byID = map[string]passkey.Challenge{}
	}
	c.ID, c.UserID, c.Kind = strings.Clone(c.ID), strings.Clone(c.UserID), strings.Clone(c.Kind)
	c.Session = bytes.Clone(c.Session)
	s.byID[c.ID] = c
	return nil
}

// Take implements passkey.ChallengeStore.
func (s *Challenges) Take(ctx context.Context, id string, now time.Time) (passkey.Challenge, bool, error) {
	if err := ctx.Err(); err != nil {
		return passkey.Challenge{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byID[id]
	if !ok {
		return passkey.Challenge{}, false, nil
	}
	delete(s.byID, id)
	if !c.ExpiresAt.After(now) {
		return passkey.Challenge{}, false, nil
	}
	return c, true, nil
}

// DeleteExpired implements passkey.ChallengeStore.
func (s *Challenges) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for id, c := range s.byID {
		if !c.ExpiresAt.After(now) {
			delete(s.byID, id)
			n++
		}
	}
	return n, nil
}
