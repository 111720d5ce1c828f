package apikey

import (
	"context"
	"fmt"
)

// Revoke stops the key with this id from working, from the next Verify on.
// It returns an error matching ErrNotFound for an unknown id. Revoking a
// revoked key is not an error and keeps the first revocation time.
func (k *Keys) Revoke(ctx context.Context, id string) error {
	if !isID(id) {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	found, err := k.store.Revoke(ctx, id, k.now())
	if err != nil {
		return fmt.Errorf("apikey: revoke %s: %w: %w", id, ErrStore, err)
	}
	if !found {
		return fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return nil
}

// RevokeOwner revokes every key of ownerID at once, as when the owner's
// account is deleted or compromised: a key authenticates as its owner, so
// it must not outlive the account. An owner with no live keys is not an
// error.
func (k *Keys) RevokeOwner(ctx context.Context, ownerID string) error {
	if err := checkOwner(ownerID); err != nil {
		return err
	}
	if _, err := k.store.RevokeOwner(ctx, ownerID, k.now()); err != nil {
		return fmt.Errorf("apikey: revoke keys of owner: %w: %w", ErrStore, err)
	}
	return nil
}
