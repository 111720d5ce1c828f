package refresh

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
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
func (t *Tokens) Families(ctx context.Context, subject string) ([]Family, error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	now := t.now()
	live, err := t.store.LiveTokens(ctx, subject, now)
	if err != nil {
		return nil, fmt.Errorf("refresh: list families: %w: %w", ErrStore, err)
	}
	slices.SortFunc(live, func(a, b Record) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	families := make([]Family, 0, len(live))
	for _, rec := range live {
		if rec.Subject != subject || !rec.Live(now) {
			continue
		}
		families = append(families, Family{
			ID: rec.FamilyID, LoginAt: rec.LoginAt.UTC(),
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
func (t *Tokens) RevokeFamilyOf(ctx context.Context, subject, familyID string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	if err := checkFamilyID(familyID); err != nil {
		return err
	}
	return t.revokeFamily(ctx, familyID, subject)
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
