package refresh

import (
	"context"
	"fmt"
	"time"
)

// Issue starts a new family for subject, as at login, and returns its first
// token. It refuses an empty subject, or one longer than MaxSubjectLength,
// with an error matching ErrInvalidSubject.
func (s *Store) Issue(ctx context.Context, subject string) (Token, error) {
	if subject == "" || len(subject) > MaxSubjectLength {
		return Token{}, fmt.Errorf("%w: %d bytes, want 1 to %d", ErrInvalidSubject, len(subject), MaxSubjectLength)
	}
	familyID, err := newID()
	if err != nil {
		return Token{}, err
	}
	now := s.now()
	value, rec, err := s.newRecord(familyID, subject, now, now.Add(s.cfg.FamilyLifetime))
	if err != nil {
		return Token{}, err
	}
	if err := s.db.WithContext(ctx).Create(&rec).Error; err != nil {
		return Token{}, fmt.Errorf("refresh: issue: %w", err)
	}
	return rec.token(value), nil
}

// newRecord makes a fresh token of a family and the record that stores it.
func (s *Store) newRecord(familyID, subject string, now, familyExpiresAt time.Time) (string, record, error) {
	value, err := newValue()
	if err != nil {
		return "", record{}, err
	}
	id, err := newID()
	if err != nil {
		return "", record{}, err
	}
	expiresAt := now.Add(s.cfg.TokenTTL)
	if expiresAt.After(familyExpiresAt) {
		expiresAt = familyExpiresAt
	}
	return value, record{
		ID:              id,
		FamilyID:        familyID,
		Subject:         subject,
		TokenHash:       hashOf(value),
		CreatedAt:       now,
		ExpiresAt:       expiresAt,
		FamilyExpiresAt: familyExpiresAt,
	}, nil
}
