package refresh

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
)

// Revoke ends the family of a known token, used or not, as at logout, and
// returns the token's FamilyID and Subject (its Value and ExpiresAt are
// empty) so the caller can check whose it was. Revoking a family that is
// already revoked or expired is not an error: logging out twice is harmless.
// A malformed or unknown token fails with an error matching
// authn.ErrInvalidToken. As RevokeFamilyOf, it ends refresh tokens only:
// account.Service.Logout revokes the family's access tokens too.
func (s *Store) Revoke(ctx context.Context, value string) (Token, error) {
	hash, err := parse(value)
	if err != nil {
		return Token{}, err
	}
	db := s.db.WithContext(ctx)
	rec, err := lookup(db, hash)
	if err != nil {
		return Token{}, err
	}
	err = retry.OnDeadlock(ctx, func() error {
		_, err := revokeFamily(db, rec.FamilyID, s.now())
		return err
	})
	if err != nil {
		return Token{}, err
	}
	return Token{FamilyID: rec.FamilyID, Subject: rec.Subject}, nil
}

// RevokeFamily ends a family by its id, as when the user behind it can no
// longer be trusted. Revoking a family that is already revoked is not an
// error; an id that names no family fails with ErrFamilyNotFound, and an
// empty or over-long one with ErrInvalidFamilyID.
func (s *Store) RevokeFamily(ctx context.Context, familyID string) error {
	if err := checkFamilyID(familyID); err != nil {
		return err
	}
	db := s.db.WithContext(ctx)
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		var err error
		n, err = revokeFamily(db, familyID, s.now())
		return err
	})
	if err != nil || n > 0 {
		return err
	}
	var rows int64
	if err := db.Model(&record{}).Where("family_id = ?", familyID).Count(&rows).Error; err != nil {
		return fmt.Errorf("refresh: look up family %s: %w", familyID, err)
	}
	if rows == 0 {
		return fmt.Errorf("%w: %s", ErrFamilyNotFound, familyID)
	}
	return nil
}

// RevokeSubject ends every family of a subject at once: after a password
// reset, an account's deletion or an administrator's lock, every device must
// log in again. A subject with no tokens is not an error. An empty subject
// fails with ErrInvalidSubject.
//
// Rotations racing it cannot outlive it: once RevokeSubject has returned,
// every token of the subject issued before it began, and every successor
// of one, is revoked, whatever the database's isolation level. Tokens of
// logins that race it may survive, as logins after it do.
func (s *Store) RevokeSubject(ctx context.Context, subject string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	// A rotation racing the revocation either finds its token revoked or
	// commits a successor that revokeLive's next pass catches.
	err := retry.OnDeadlock(ctx, func() error {
		_, err := revokeLive(s.db.WithContext(ctx), "subject", subject, s.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("refresh: revoke subject: %w", err)
	}
	return nil
}
