package apikey

import (
	"context"
	"fmt"
)

// Revoke stops the key with this id from working, from the next Verify on.
// It returns an error matching ErrNotFound for an unknown id. Revoking a
// revoked key is not an error and keeps the first revocation time.
func (s *Store) Revoke(ctx context.Context, id string) error {
	if !isID(id) {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	res := s.db.WithContext(ctx).Model(&keyRow{}).
		Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", s.now())
	if res.Error != nil {
		return fmt.Errorf("apikey: revoke %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		// Either already revoked or never existed; only the second is an
		// error.
		if _, err := s.find(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// RevokeOwner revokes every key of ownerID in one statement, as when the
// owner's account is deleted or compromised: a key authenticates as its
// owner, so it must not outlive the account. An owner with no live keys is
// not an error.
func (s *Store) RevokeOwner(ctx context.Context, ownerID string) error {
	if err := checkOwner(ownerID); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Model(&keyRow{}).
		Where("owner_id = ? AND revoked_at IS NULL", ownerID).
		Update("revoked_at", s.now()).Error
	if err != nil {
		return fmt.Errorf("apikey: revoke keys of owner: %w", err)
	}
	return nil
}
