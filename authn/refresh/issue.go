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
	if err := checkSubject(subject); err != nil {
		return Token{}, err
	}
	familyID, err := newID()
	if err != nil {
		return Token{}, err
	}
	now := s.now()
	value, rec, err := s.newRecord(familyID, subject, now, now.Add(s.cfg.FamilyLifetime), now)
	if err != nil {
		return Token{}, err
	}
	if err := s.db.WithContext(ctx).Create(&rec).Error; err != nil {
		return Token{}, fmt.Errorf("refresh: issue: %w", err)
	}
	return rec.token(value), nil
}

// newRecord makes a fresh token of a family and the record that stores it.
// loginAt is when the family's login happened; zero when unknown.
func (s *Store) newRecord(familyID, subject string, now, familyExpiresAt, loginAt time.Time) (string, record, error) {
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
		LoginAt:         timeOrNil(loginAt),
	}, nil
}

// timeOrNil returns &t, or nil for the zero time.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
