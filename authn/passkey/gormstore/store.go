package gormstore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is a passkey.Store on a GORM database. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// database. Its zero value has no database: call New.
type Store struct {
	db *gorm.DB
}

var _ passkey.Store = (*Store)(nil)

// New returns a Store on db, creating gatehouse_passkeys and
// gatehouse_passkey_users if they are missing; ctx bounds that. It refuses
// a nil db with an error matching passkey.ErrConfig, and reports a failure
// to create the tables with one matching passkey.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("passkey/gormstore: %w: nil *gorm.DB", passkey.ErrConfig)
	}
	if err := schema.Migrate(ctx, db, &credentialRow{}, &userRow{}); err != nil {
		return nil, fmt.Errorf("passkey/gormstore: %w: create tables: %w", passkey.ErrStore, err)
	}
	return &Store{db: db}, nil
}

// UserHandle implements passkey.Store.
func (s *Store) UserHandle(ctx context.Context, userID string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	if !check.UserID(userID) {
		return nil, false, nil
	}
	var row userRow
	res := s.db.WithContext(ctx).Where("user_id = ?", userID).Limit(1).Find(&row)
	if res.Error != nil {
		return nil, false, fmt.Errorf("passkey/gormstore: user handle: %w", res.Error)
	}
	return row.Handle, res.RowsAffected > 0, nil
}

// EnsureUserHandle implements passkey.Store: an insert that does nothing
// when the user (or the handle) has a row, then a read of the user's row.
func (s *Store) EnsureUserHandle(ctx context.Context, userID string, handle []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !check.UserID(userID) || !check.UserHandle(handle) {
		return nil, fmt.Errorf("passkey/gormstore: %w: user id or handle out of bounds", passkey.ErrInvalidInput)
	}
	row := userRow{UserID: userID, Handle: bytes.Clone(handle)}
	err := retry.OnDeadlock(ctx, func() error {
		return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
	})
	if err != nil {
		return nil, fmt.Errorf("passkey/gormstore: keep user handle: %w", err)
	}
	kept, found, err := s.UserHandle(ctx, userID)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("passkey/gormstore: user handle kept for another user")
	}
	return kept, nil
}

// UserByHandle implements passkey.Store.
func (s *Store) UserByHandle(ctx context.Context, handle []byte) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	if !check.UserHandle(handle) {
		return "", false, nil
	}
	var row userRow
	res := s.db.WithContext(ctx).Where("handle = ?", handle).Limit(1).Find(&row)
	if res.Error != nil {
		return "", false, fmt.Errorf("passkey/gormstore: user by handle: %w", res.Error)
	}
	return row.UserID, res.RowsAffected > 0, nil
}

// AddCredential implements passkey.Store: an insert that does nothing
// when the credential id has a row, which its count of rows tells.
func (s *Store) AddCredential(ctx context.Context, c passkey.Credential) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !check.UserID(c.UserID) || !check.CredentialID(c.ID) || !check.Name(c.Name) || len(c.AAGUID) > 16 ||
		len(c.AttestationType) > 64 || len(strings.Join(c.Transports, ",")) > 255 {
		return fmt.Errorf("passkey/gormstore: %w: credential field out of bounds", passkey.ErrInvalidInput)
	}
	row := fromCredential(c)
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return fmt.Errorf("passkey/gormstore: add credential: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("passkey/gormstore: %w", passkey.ErrCredentialExists)
	}
	return nil
}

// Credentials implements passkey.Store.
func (s *Store) Credentials(ctx context.Context, userID string) ([]passkey.Credential, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !check.UserID(userID) {
		return nil, nil
	}
	var rows []credentialRow
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("passkey/gormstore: credentials: %w", err)
	}
	out := make([]passkey.Credential, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toCredential())
	}
	return out, nil
}

// UpdateUse implements passkey.Store: one conditional UPDATE naming the
// sign count read, the compare-and-set that lets one of two racing uses
// through. last_used_at always changes, so rows matched and rows changed
// count alike.
func (s *Store) UpdateUse(ctx context.Context, userID string, id []byte, from, to uint32, backupState bool, at time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !check.UserID(userID) || !check.CredentialID(id) {
		return false, nil
	}
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Model(&credentialRow{}).
			Where("id = ? AND user_id = ? AND sign_count = ?", id, userID, int64(from)).
			Updates(map[string]any{"sign_count": int64(to), "backup_state": backupState, "last_used_at": column(at)})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("passkey/gormstore: update use: %w", err)
	}
	return n > 0, nil
}

// DeleteCredential implements passkey.Store.
func (s *Store) DeleteCredential(ctx context.Context, userID string, id []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !check.UserID(userID) || !check.CredentialID(id) {
		return false, nil
	}
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Where("id = ? AND user_id = ?", id, userID).Delete(&credentialRow{})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("passkey/gormstore: delete credential: %w", err)
	}
	return n > 0, nil
}
