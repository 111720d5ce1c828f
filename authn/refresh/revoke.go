package refresh

import (
	"context"
	"fmt"
)

// Revoke ends the family of a known token, used or not, as at logout, and
// returns the token's FamilyID and Subject (its Value and ExpiresAt are
// empty) so the caller can check whose it was. Revoking a family that is
// already revoked or expired is not an error: logging out twice is harmless.
// A malformed or unknown token fails with an error matching
// authn.ErrInvalidToken. As RevokeFamilyOf, it ends refresh tokens only:
// account.Service.Logout revokes the family's access tokens too.
func (t *Tokens) Revoke(ctx context.Context, value string) (Token, error) {
	hash, err := parse(value)
	if err != nil {
		return Token{}, err
	}
	rec, err := t.lookup(ctx, hash)
	if err != nil {
		return Token{}, err
	}
	if _, err := t.store.RevokeFamily(ctx, rec.FamilyID, "", t.now()); err != nil {
		return Token{}, fmt.Errorf("refresh: revoke family %s: %w: %w", rec.FamilyID, ErrStore, err)
	}
	return Token{FamilyID: rec.FamilyID, Subject: rec.Subject}, nil
}

// RevokeFamily ends a family by its id, as when the user behind it can no
// longer be trusted. Revoking a family that is already revoked is not an
// error; an id that names no family fails with ErrFamilyNotFound, and an
// empty or over-long one with ErrInvalidFamilyID.
func (t *Tokens) RevokeFamily(ctx context.Context, familyID string) error {
	if err := checkFamilyID(familyID); err != nil {
		return err
	}
	return t.revokeFamily(ctx, familyID, "")
}

// RevokeSubject ends every family of a subject at once: after a password
// reset, an account's deletion or an administrator's lock, every device must
// log in again. A subject with no tokens is not an error. An empty subject
// fails with ErrInvalidSubject.
//
// Rotations racing it cannot outlive it: once RevokeSubject has returned,
// every token of the subject issued before it began, and every successor
// of one, is revoked, as the Store's contract promises. Tokens of logins
// that race it may survive, as logins after it do.
func (t *Tokens) RevokeSubject(ctx context.Context, subject string) error {
	if err := checkSubject(subject); err != nil {
		return err
	}
	if _, err := t.store.RevokeSubject(ctx, subject, t.now()); err != nil {
		return fmt.Errorf("refresh: revoke subject: %w: %w", ErrStore, err)
	}
	return nil
}

// revokeFamily revokes the family familyID if it is subject's ("" for
// whoever's), and fails with ErrFamilyNotFound if there is no such family.
func (t *Tokens) revokeFamily(ctx context.Context, familyID, subject string) error {
	found, err := t.store.RevokeFamily(ctx, familyID, subject, t.now())
	if err != nil {
		return fmt.Errorf("refresh: revoke family %s: %w: %w", familyID, ErrStore, err)
	}
	if !found {
		return fmt.Errorf("%w: %s", ErrFamilyNotFound, familyID)
	}
	return nil
}
