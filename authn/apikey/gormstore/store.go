package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is an apikey.Store on a GORM database. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// database.
type Store struct {
	db *gorm.DB
}

var _ apikey.Store = (*Store)(nil)

// New returns a Store on db, creating the table gatehouse_api_keys and its
// indexes if they are missing (several processes starting together may
// race to do so: the loser finds them in place); ctx bounds that. It
// refuses a nil db with an error matching apikey.ErrInvalidConfig, and
// reports a failure to create the table with one matching apikey.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("apikey/gormstore: %w: db is nil", apikey.ErrInvalidConfig)
	}
	if err := schema.Migrate(ctx, db, &keyRow{}); err != nil {
		return nil, fmt.Errorf("apikey/gormstore: %w: create table %s: %w", apikey.ErrStore, keyRow{}.TableName(), err)
	}
	return &Store{db: db}, nil
}

// errTooLong refuses a value wider than its column.
var errTooLong = errors.New("value wider than its column")

// Insert implements apikey.Store. Whether a failed insert met a taken id
// or prefix is asked of the table, not read from the error, whose form
// differs by database and driver.
func (s *Store) Insert(ctx context.Context, rec apikey.Record) error {
	switch {
	case len(rec.ID) > idWidth, len(rec.Prefix) > prefixWidth, len(rec.Hash) > hashWidth,
		len(rec.OwnerID) > ownerWidth, utf8.RuneCountInString(rec.Name) > nameWidth:
		return errTooLong
	}
	row := fromRecord(rec)
	err := s.db.WithContext(ctx).Create(&row).Error
	if err == nil {
		return nil
	}
	var n int64
	if countErr := s.db.WithContext(ctx).Model(&keyRow{}).
		Where("id = ? OR prefix = ?", rec.ID, rec.Prefix).Count(&n).Error; countErr == nil && n > 0 {
		return fmt.Errorf("%w: %w", apikey.ErrKeyExists, err)
	}
	return err
}

// Lookup implements apikey.Store.
func (s *Store) Lookup(ctx context.Context, prefix string) (apikey.Record, bool, error) {
	return s.findBy(ctx, "prefix", prefix)
}

// Get implements apikey.Store.
func (s *Store) Get(ctx context.Context, id string) (apikey.Record, bool, error) {
	return s.findBy(ctx, "id", id)
}

// findBy reads the row whose column, a unique one, holds value.
func (s *Store) findBy(ctx context.Context, column, value string) (apikey.Record, bool, error) {
	var row keyRow
	res := s.db.WithContext(ctx).Where(column+" = ?", value).Limit(1).Find(&row)
	if res.Error != nil {
		return apikey.Record{}, false, res.Error
	}
	if res.RowsAffected == 0 {
		return apikey.Record{}, false, nil
	}
	return row.toRecord(), true, nil
}

// List implements apikey.Store.
func (s *Store) List(ctx context.Context, ownerID string) ([]apikey.Record, error) {
	var rows []keyRow
	if err := s.db.WithContext(ctx).Where("owner_id = ?", ownerID).Find(&rows).Error; err != nil {
		return nil, err
	}
	recs := make([]apikey.Record, len(rows))
	for i, r := range rows {
		recs[i] = r.toRecord()
	}
	return recs, nil
}

// Revoke implements apikey.Store: one conditional update, so that of
// racing revocations the first sets the time and the others find it set.
func (s *Store) Revoke(ctx context.Context, id string, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&keyRow{}).
		Where("id = ? AND revoked_at IS NULL", id).
		Update("revoked_at", bound(at))
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected > 0 {
		return true, nil
	}
	// Either revoked already or never stored; only the second is not
	// found.
	_, found, err := s.Get(ctx, id)
	return found, err
}

// RevokeOwner implements apikey.Store in one statement: a row revoked by a
// racing call no longer matches, so each is counted once.
func (s *Store) RevokeOwner(ctx context.Context, ownerID string, at time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Model(&keyRow{}).
		Where("owner_id = ? AND revoked_at IS NULL", ownerID).
		Update("revoked_at", bound(at))
	if res.Error != nil {
		return 0, res.Error
	}
	return res.RowsAffected, nil
}

// RecordUse implements apikey.Store. The update names the recorded time it
// may replace, so of several requests racing to record the same minute
// one writes and the rest change nothing.
func (s *Store) RecordUse(ctx context.Context, id string, at, staleAt time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&keyRow{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at <= ?)", id, bound(staleAt)).
		Update("last_used_at", bound(at))
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected > 0, nil
}
