package gormstore

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/internal/check"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is a totp.Store on a GORM database. It is safe for concurrent use,
// and any number of Stores, in one process or many, may share a database.
// Its zero value has no database: call New.
type Store struct {
	db *gorm.DB
}

var _ totp.Store = (*Store)(nil)

// New returns a Store on db, creating the table gatehouse_totp if it is
// missing (several processes starting together may race to do so: the
// loser finds it in place); ctx bounds that. On MySQL and MariaDB the
// table compares text exactly, with a binary collation, and a table
// created before with another is converted. New refuses a nil db with an
// error matching totp.ErrConfig, and reports a failure to create the table
// with one matching totp.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("totp/gormstore: %w: nil *gorm.DB", totp.ErrConfig)
	}
	if err := schema.Migrate(ctx, db, &record{}); err != nil {
		return nil, fmt.Errorf("totp/gormstore: %w: create table %s: %w", totp.ErrStore, tableName, err)
	}
	return &Store{db: db}, nil
}

// SetPending implements totp.Store: one upsert, which inserts the user's
// row or, when a process got there first, updates only its pending secret
// and time.
func (s *Store) SetPending(ctx context.Context, userID string, sealed []byte, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !check.UserID(userID) {
		return fmt.Errorf("totp/gormstore: %w", totp.ErrInvalidUserID)
	}
	if !check.Sealed(sealed) {
		return fmt.Errorf("totp/gormstore: sealed secret is %d bytes, not 1 to %d", len(sealed), totp.MaxSealedLength)
	}
	row := record{UserID: userID, Pending: bytes.Clone(sealed), UpdatedAt: column(at)}
	err := retry.OnDeadlock(ctx, func() error {
		return s.db.WithContext(ctx).Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "user_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"pending", "updated_at"}),
		}).Create(&row).Error
	})
	if err != nil {
		return fmt.Errorf("totp/gormstore: set pending: %w", err)
	}
	return nil
}

// Activate implements totp.Store: one UPDATE of the row whose pending
// secret is pending. The active secret is set from the value given rather
// than from the pending column, whose old value MySQL would not read once
// the same statement has cleared it.
func (s *Store) Activate(ctx context.Context, userID string, pending []byte, at time.Time, step int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !check.UserID(userID) || !check.Sealed(pending) {
		return false, nil
	}
	n, err := s.update(ctx, "user_id = ? AND pending = ?", []any{userID, pending}, map[string]any{
		"active":       pending,
		"pending":      nil,
		"last_step":    step,
		"activated_at": column(at),
		"updated_at":   column(at),
	})
	if err != nil {
		return false, fmt.Errorf("totp/gormstore: activate: %w", err)
	}
	return n > 0, nil
}

// Get implements totp.Store: one lookup by the primary key. An id no
// record can have is not found, without a query, rather than an error
// from a database that refuses its bytes.
func (s *Store) Get(ctx context.Context, userID string) (totp.Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return totp.Record{}, false, err
	}
	if !check.UserID(userID) {
		return totp.Record{}, false, nil
	}
	// Find with a limit rather than First, which would log every miss.
	var row record
	res := s.db.WithContext(ctx).Where("user_id = ?", userID).Limit(1).Find(&row)
	if res.Error != nil {
		return totp.Record{}, false, fmt.Errorf("totp/gormstore: get: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return totp.Record{}, false, nil
	}
	return row.toRecord(), true, nil
}

// UseStep implements totp.Store: one conditional UPDATE, the
// compare-and-set that keeps a code from being accepted twice. Of
// processes racing with one step, the database lets the first update
// through; the others then find last_step equal to step and match no row.
func (s *Store) UseStep(ctx context.Context, userID string, active []byte, step int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !check.UserID(userID) || !check.Sealed(active) {
		return false, nil
	}
	n, err := s.update(ctx, "user_id = ? AND active = ? AND last_step < ?", []any{userID, active, step},
		map[string]any{"last_step": step})
	if err != nil {
		return false, fmt.Errorf("totp/gormstore: use step: %w", err)
	}
	return n > 0, nil
}

// Delete implements totp.Store: one DELETE, whose count of rows says
// whether the record was there.
func (s *Store) Delete(ctx context.Context, userID string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !check.UserID(userID) {
		return false, nil
	}
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&record{})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("totp/gormstore: delete: %w", err)
	}
	return n > 0, nil
}

// update sets columns on the rows matching the condition in one statement,
// run again if the database broke a deadlock with it, and returns how many
// rows it changed. Every update of this store changes what it matches (a
// secret moves, or last_step rises), so the count is the same whether the
// driver reports rows matched or rows changed.
func (s *Store) update(ctx context.Context, query string, args []any, columns map[string]any) (int64, error) {
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Model(&record{}).Where(query, args...).Updates(columns)
		n = res.RowsAffected
		return res.Error
	})
	return n, err
}
