// Package gormstore keeps the used purpose-token ids of package purpose in
// a SQL database through GORM: SQLite, PostgreSQL, MySQL or MariaDB, shared
// by every process of an application.
//
//	store, err := gormstore.New(ctx, db) // creates gatehouse_used_purpose_tokens
//	resets, err := purpose.New(store, purpose.Config{Purpose: purpose.PasswordReset, …})
//
// The table's primary key on the token id is what makes a token
// single-use: of two concurrent Consumes, in any processes, only one insert
// succeeds. Rows stay until purpose.Tokens.Cleanup removes those that can
// no longer verify. A store of one's own implements purpose.Store and
// passes the suite of package purpose/storetest, as this one does.
package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn/purpose"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// usedToken records that a token was consumed.
type usedToken struct {
	JTI       string    `gorm:"column:jti;primaryKey;size:64"`
	Purpose   string    `gorm:"column:purpose;size:32;not null"`
	Subject   string    `gorm:"column:subject;size:255;not null"`
	UsedAt    time.Time `gorm:"precision:6;column:used_at;not null"`
	ExpiresAt time.Time `gorm:"precision:6;column:expires_at;not null;index"`
}

// TableName is the table that holds the used set of every purpose.
func (usedToken) TableName() string { return "gatehouse_used_purpose_tokens" }

// Store is a purpose.Store on a GORM database. It is safe for concurrent
// use.
type Store struct{ db *gorm.DB }

var _ purpose.Store = (*Store)(nil)

// New returns a Store on db, creating its table if it is missing; ctx
// bounds that. It refuses a nil db with an error matching
// purpose.ErrInvalidConfig, and a failure to create the table with one
// matching purpose.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("gormstore: %w: nil db", purpose.ErrInvalidConfig)
	}
	if err := schema.Migrate(ctx, db, &usedToken{}); err != nil {
		return nil, fmt.Errorf("gormstore: %w: create table %s: %w", purpose.ErrStore, usedToken{}.TableName(), err)
	}
	return &Store{db: db}, nil
}

// errTooLong refuses a value wider than its column, which some databases
// would truncate and others refuse.
var errTooLong = errors.New("value wider than its column")

// IsUsed reports whether id has a row.
func (s *Store) IsUsed(ctx context.Context, id string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&usedToken{}).Where("jti = ?", id).Limit(1).Count(&n).Error
	return n > 0, err
}

// MarkUsed inserts u's row unless its id has one already.
func (s *Store) MarkUsed(ctx context.Context, u purpose.UsedToken) (bool, error) {
	if len(u.ID) > 64 || len(u.Purpose) > 32 || len(u.Subject) > 255 {
		return false, errTooLong
	}
	row := usedToken{JTI: u.ID, Purpose: u.Purpose, Subject: u.Subject, UsedAt: u.UsedAt.UTC(), ExpiresAt: u.ExpiresAt.UTC()}
	res := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected == 1, nil
}

// Cleanup deletes the rows of purposeName whose token expired before
// cutoff.
func (s *Store) Cleanup(ctx context.Context, purposeName string, cutoff time.Time) (int64, error) {
	res := s.db.WithContext(ctx).
		Where("purpose = ? AND expires_at < ?", purposeName, cutoff.UTC()).
		Delete(&usedToken{})
	return res.RowsAffected, res.Error
}
