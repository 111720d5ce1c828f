package apikey

import (
	"context"
	"fmt"
)

// List returns ownerID's keys, newest first, including revoked and expired
// ones so that the owner sees what each key was and when it stopped
// working. An owner with no keys gets an empty list.
func (s *Store) List(ctx context.Context, ownerID string) ([]Key, error) {
	if err := checkOwner(ownerID); err != nil {
		return nil, err
	}
	var rows []keyRow
	err := s.db.WithContext(ctx).Where("owner_id = ?", ownerID).
		Order("created_at DESC").Order("id DESC").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("apikey: list keys: %w", err)
	}
	keys := make([]Key, len(rows))
	for i, r := range rows {
		keys[i] = r.key()
	}
	return keys, nil
}

// Get returns the key with this id, or an error matching ErrNotFound.
//
// Get does not check ownership: before acting for a user on a key they
// name, compare Key.OwnerID with the user's id.
func (s *Store) Get(ctx context.Context, id string) (Key, error) {
	row, err := s.find(ctx, id)
	if err != nil {
		return Key{}, err
	}
	return row.key(), nil
}

// find reads the row with this id.
func (s *Store) find(ctx context.Context, id string) (keyRow, error) {
	if !isID(id) {
		return keyRow{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	var row keyRow
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&row)
	if res.Error != nil {
		return keyRow{}, fmt.Errorf("apikey: get key %s: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return keyRow{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return row, nil
}
