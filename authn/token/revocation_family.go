package token

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// RevokeFamily revokes every access token issued with the refresh family
// familyID (those whose "sid" claim names it; see Family), issued to
// subject, so that ending a family — for reuse of its refresh token, or at
// logout — ends the access tokens it obtained too. expiresAt is when the
// last of them expires: Issuer.LatestExpiry, when the family can obtain
// no more. The record is kept until then, and a little longer (see
// Cleanup). As with RevokeToken, the revocation is in the database before
// it takes effect in memory, on error neither changes, and with a Notifier
// it is then published to peers. Revoking a family again keeps the later
// expiry.
func (r *Revocations) RevokeFamily(ctx context.Context, familyID, subject string, expiresAt time.Time) error {
	if err := checkFamilyID(familyID); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	if err := checkSubject(subject); err != nil {
		return fmt.Errorf("token: revoke: %w", err)
	}
	if expiresAt.IsZero() {
		return fmt.Errorf("token: revoke: expiry time is required: %w", ErrInvalidRevocation)
	}
	row := revokedFamily{FamilyID: familyID, Subject: subject, ExpiresAt: expiresAt.UTC().Truncate(time.Microsecond)}
	revision, err := r.keepLatest(ctx, &row, &revokedFamily{}, "family_id", familyID, row.ExpiresAt)
	if err != nil {
		return fmt.Errorf("token: revoke family: %w: %w", ErrStore, err)
	}
	r.mu.Lock()
	r.rememberFamily(familyID, row.ExpiresAt)
	r.advance(revision)
	msg := revocationMessage{Store: r.storeID, Revision: revision, Subject: subject, FamilyID: familyID, ExpiresAt: &row.ExpiresAt}
	r.mu.Unlock()
	r.publish(ctx, msg)
	return nil
}

// IsFamilyRevoked reports whether the access tokens of the refresh family
// familyID are revoked. It reads memory only, and does not consult Err.
func (r *Revocations) IsFamilyRevoked(familyID string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.families[familyID]
	return ok
}

// rememberFamily records a revoked family; r.mu must be held for writing.
func (r *Revocations) rememberFamily(familyID string, expiresAt time.Time) {
	if expiresAt.After(r.families[familyID]) {
		r.families[strings.Clone(familyID)] = expiresAt
	}
}
