package apikey

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// List returns ownerID's keys, newest first, including revoked and expired
// ones so that the owner sees what each key was and when it stopped
// working. An owner with no keys gets an empty list.
func (k *Keys) List(ctx context.Context, ownerID string) ([]Key, error) {
	if err := checkOwner(ownerID); err != nil {
		return nil, err
	}
	recs, err := k.store.List(ctx, ownerID)
	if err != nil {
		return nil, fmt.Errorf("apikey: list keys: %w: %w", ErrStore, err)
	}
	keys := make([]Key, 0, len(recs))
	for _, r := range recs {
		if r.OwnerID == ownerID {
			keys = append(keys, r.key())
		}
	}
	slices.SortFunc(keys, func(a, b Key) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	return keys, nil
}

// Get returns the key with this id, or an error matching ErrNotFound.
//
// Get does not check ownership: before acting for a user on a key they
// name, compare Key.OwnerID with the user's id.
func (k *Keys) Get(ctx context.Context, id string) (Key, error) {
	if !isID(id) {
		return Key{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	rec, found, err := k.store.Get(ctx, id)
	if err != nil {
		return Key{}, fmt.Errorf("apikey: get key %s: %w: %w", id, ErrStore, err)
	}
	if !found || rec.ID != id {
		return Key{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return rec.key(), nil
}
