package refresh

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
)

// Family is one live refresh family: a login on one device that its
// client keeps alive by refreshing. Its ID is public; no token is shown.
type Family struct {
	// ID names the family, for RevokeFamilyOf.
	ID string
	// LoginAt is when the family's login happened; zero for families
	// stored before it was recorded.
	LoginAt time.Time
	// RefreshedAt is when its live token was issued: the login, or the
	// latest refresh.
	RefreshedAt time.Time
	// ExpiresAt is when the family dies unless refreshed before: the live
	// token's expiry.
	ExpiresAt time.Time
}

// Families lists the live families of subject, most recently refreshed
// first, so that a user can see where they are logged in (OWASP ASVS
// V3.3.4) and end one with RevokeFamilyOf. A family is live while its
// newest token is neither used, revoked nor expired. An empty or over-long
// subject fails with ErrInvalidSubject.
func (s *Store) Families(ctx context.Context, subject string) ([]Family, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	now := s.now()
	var live []record
	err := s.db.WithContext(ctx).
		Where("subject = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND family_expires_at > ?", subject, now, now).
		Order("created_at DESC").Order("id").
		Find(&live).Error
	if err != nil {
		return nil, fmt.Errorf("refresh: list families: %w", err)
	}
	families := make([]Family, 0, len(live))
	for _, rec := range live {
		families = append(families, Family{
			ID: rec.FamilyID, LoginAt: rec.loginAt(),
			RefreshedAt: rec.CreatedAt.UTC(), ExpiresAt: rec.ExpiresAt.UTC(),
		})
	}
	return families, nil
}

// RevokeFamilyOf ends one family of subject by its id, as when a user logs
// out another device. An id that names no family of subject — unknown, or
// another subject's — fails with ErrFamilyNotFound alike, so that nobody
// learns of other users' families; revoking a family already revoked is
// not an error.
//
// It ends the family's refresh tokens only. The access tokens issued with
// them live until they expire unless they are revoked with the family
// (token.Revocations.RevokeFamily): account.Service.RevokeFamilyOf does
// both.
func (s *Store) RevokeFamilyOf(ctx context.Context, subject, familyID string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	if err := checkFamilyID(familyID); err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	var rows int64
	if err := db.Model(&record{}).Where("family_id = ? AND subject = ?", familyID, subject).Count(&rows).Error; err != nil {
		return fmt.Errorf("refresh: look up family %s: %w", familyID, err)
	}
	if rows == 0 {
		return fmt.Errorf("%w: %s", ErrFamilyNotFound, familyID)
	}
	return retry.OnDeadlock(ctx, func() error {
		_, err := revokeFamily(db, familyID, s.now())
		return err
	})
}

// checkSubject refuses an empty subject, or one longer than
// MaxSubjectLength, with an error matching ErrInvalidSubject.
func checkSubject(subject string) error {
	if subject == "" || len(subject) > MaxSubjectLength {
		return fmt.Errorf("%w: %d bytes, want 1 to %d", ErrInvalidSubject, len(subject), MaxSubjectLength)
	}
	return nil
}

// checkFamilyID refuses an empty or over-long family id with an error
// matching ErrInvalidFamilyID.
func checkFamilyID(familyID string) error {
	if familyID == "" || len(familyID) > 2*idBytes {
		return fmt.Errorf("%w: %q", ErrInvalidFamilyID, familyID)
	}
	return nil
}
