package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/internal/storecheck"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is a recovery.Store on a GORM database. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// database. Its zero value has no database: call New.
type Store struct {
	db *gorm.DB
	// dialect is the database's name as GORM knows it: Replaces of one
	// user lock it in PostgreSQL's and MySQL's own ways (see Replace).
	dialect string
	// database is the name of the MySQL database, which the names of its
	// locks include (see lockName).
	database string
}

var _ recovery.Store = (*Store)(nil)

// New returns a Store on db, creating the table gatehouse_recovery_codes
// if it is missing (several processes starting together may race to do
// so: the loser finds it in place); ctx bounds that. On MySQL and MariaDB
// the table compares text exactly, with a binary collation, and a table
// created before with another is converted. New refuses a nil db with an
// error matching recovery.ErrConfig, and reports a failure to create the
// table with one matching recovery.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("recovery/gormstore: %w: nil *gorm.DB", recovery.ErrConfig)
	}
	if err := schema.Migrate(ctx, db, &record{}); err != nil {
		return nil, fmt.Errorf("recovery/gormstore: %w: create table %s: %w", recovery.ErrStore, tableName, err)
	}
	s := &Store{db: db, dialect: db.Dialector.Name()}
	if s.dialect == "mysql" {
		if err := db.WithContext(ctx).Raw("SELECT DATABASE()").Row().Scan(&s.database); err != nil {
			return nil, fmt.Errorf("recovery/gormstore: %w: read the database's name: %w", recovery.ErrStore, err)
		}
	}
	return s, nil
}

// Replace implements recovery.Store: one transaction that deletes the
// user's rows and inserts the new ones, run again if the database broke a
// deadlock with it.
//
// Racing Replaces of one user must leave one set, so each holds a lock of
// the user while it runs. PostgreSQL's DELETE sees only the rows
// committed when it began, and would leave the first Replace's rows beside
// the second's: there the transaction first takes an advisory lock of the
// user. MySQL's DELETE locks the gaps around the user's rows, and racing
// Replaces deadlock on them more often than retries can absorb: there a
// named lock of the user (GET_LOCK) is held around the transaction. SQLite
// has one writer at a time.
func (s *Store) Replace(ctx context.Context, userID string, digests [][32]byte, at time.Time) error {
	_, err := s.replaceWhen(ctx, "replace", userID, digests, at, false)
	return err
}

// ReplaceIfNone implements recovery.Store: Replace's transaction, under
// Replace's lock of the user, which counts the user's unused codes first
// and replaces nothing when there is one. On SQLite the transaction holds
// the write lock from its start (database.Open's _txlock=immediate), so
// the count and the replacement are one step there too.
func (s *Store) ReplaceIfNone(ctx context.Context, userID string, digests [][32]byte, at time.Time) (bool, error) {
	return s.replaceWhen(ctx, "replace if none", userID, digests, at, true)
}

// errHasCodes ends ReplaceIfNone's transaction when the user has an unused
// code.
var errHasCodes = errors.New("the user has unused codes")

// replaceWhen is Replace, or with ifNone ReplaceIfNone.
func (s *Store) replaceWhen(ctx context.Context, op, userID string, digests [][32]byte, at time.Time, ifNone bool) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if problem := storecheck.UserID(userID); problem != "" {
		return false, fmt.Errorf("recovery/gormstore: %w: %s", recovery.ErrInvalidUserID, problem)
	}
	if err := storecheck.Digests(digests); err != nil {
		return false, fmt.Errorf("recovery/gormstore: %w", err)
	}
	created := storecheck.Time(at)
	rows := make([]record, len(digests))
	for i, d := range digests {
		rows[i] = record{UserID: userID, Digest: d[:], CreatedAt: created}
	}
	replace := func(db *gorm.DB) error {
		return retry.OnDeadlock(ctx, func() error {
			return db.Transaction(func(tx *gorm.DB) error { return s.replace(tx, userID, rows, ifNone) })
		})
	}
	var err error
	if s.dialect == "mysql" {
		err = withNamedLock(ctx, s.db.WithContext(ctx), lockName(s.database, userID), replace)
	} else {
		err = replace(s.db.WithContext(ctx))
	}
	switch {
	case errors.Is(err, errHasCodes):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("recovery/gormstore: %s: %w", op, err)
	}
	return true, nil
}

// replace is Replace's transaction; with ifNone it fails with errHasCodes,
// changing nothing, when the user has an unused code.
func (s *Store) replace(tx *gorm.DB, userID string, rows []record, ifNone bool) error {
	if s.dialect == "postgres" {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", lockKey(userID)).Error; err != nil {
			return fmt.Errorf("lock user: %w", err)
		}
	}
	if ifNone {
		var unused int64
		if err := tx.Model(&record{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&unused).Error; err != nil {
			return fmt.Errorf("count unused codes: %w", err)
		}
		if unused > 0 {
			return errHasCodes
		}
	}
	if err := tx.Where("user_id = ?", userID).Delete(&record{}).Error; err != nil {
		return fmt.Errorf("delete old codes: %w", err)
	}
	if len(rows) == 0 {
		return nil
	}
	if err := tx.Create(&rows).Error; err != nil {
		return fmt.Errorf("insert codes: %w", err)
	}
	return nil
}

// Consume implements recovery.Store: one UPDATE of the row by its primary
// key, only while used_at is NULL, whose count of rows is the answer. Of
// racing Consumes the database lets one change the row; the others find
// used_at set, whichever process they run on.
func (s *Store) Consume(ctx context.Context, userID string, digest [32]byte, at time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if !storecheck.ValidUserID(userID) {
		return false, nil
	}
	used := storecheck.Time(at)
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Model(&record{}).
			Where("user_id = ? AND digest = ? AND used_at IS NULL", userID, digest[:]).
			Update("used_at", used)
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return false, fmt.Errorf("recovery/gormstore: consume: %w", err)
	}
	return n == 1, nil
}

// Remaining implements recovery.Store: one count over the user's rows.
func (s *Store) Remaining(ctx context.Context, userID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !storecheck.ValidUserID(userID) {
		return 0, nil
	}
	var n int64
	err := s.db.WithContext(ctx).Model(&record{}).Where("user_id = ? AND used_at IS NULL", userID).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("recovery/gormstore: remaining: %w", err)
	}
	return int(n), nil
}

// DeleteUser implements recovery.Store: one DELETE, whose count of rows is
// the answer, under the lock of the user that Replace takes, so that it
// counts what a Replace racing it left, whole, and run again if the
// database broke a deadlock with it.
func (s *Store) DeleteUser(ctx context.Context, userID string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if !storecheck.ValidUserID(userID) {
		return 0, nil
	}
	var n int64
	deleteUser := func(db *gorm.DB) error {
		return retry.OnDeadlock(ctx, func() error {
			if s.dialect != "postgres" {
				res := db.Where("user_id = ?", userID).Delete(&record{})
				n = res.RowsAffected
				return res.Error
			}
			return db.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", lockKey(userID)).Error; err != nil {
					return fmt.Errorf("lock user: %w", err)
				}
				res := tx.Where("user_id = ?", userID).Delete(&record{})
				n = res.RowsAffected
				return res.Error
			})
		})
	}
	var err error
	if s.dialect == "mysql" {
		err = withNamedLock(ctx, s.db.WithContext(ctx), lockName(s.database, userID), deleteUser)
	} else {
		err = deleteUser(s.db.WithContext(ctx))
	}
	if err != nil {
		return 0, fmt.Errorf("recovery/gormstore: delete user: %w", err)
	}
	return int(n), nil
}
