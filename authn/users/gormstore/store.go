package gormstore

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is a users.Store on a GORM database. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// database.
type Store struct {
	db *gorm.DB
}

var _ users.Store = (*Store)(nil)

// New returns a Store on db, creating the table gatehouse_users and its
// indexes if they are missing (several processes starting together may
// race to do so: the loser finds them in place). It refuses a nil db with
// an error matching users.ErrInvalidConfig, and reports a failure to
// create the table with one matching users.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("users/gormstore: %w: nil *gorm.DB", users.ErrInvalidConfig)
	}
	if err := schema.Migrate(ctx, db, &record{}); err != nil {
		return nil, fmt.Errorf("users/gormstore: %w: create table %s: %w", users.ErrStore, record{}.TableName(), err)
	}
	return &Store{db: db}, nil
}

// Create implements users.Store. The unique index on emails decides
// between racing registrations. Drivers report a violation in their own
// words, and GORM translates it only when asked to, so when the insert
// fails Create looks for the account that holds the email instead.
func (s *Store) Create(ctx context.Context, rec users.Record) error {
	row := fromRecord(rec)
	err := retry.OnDeadlock(ctx, func() error { return s.db.WithContext(ctx).Create(&row).Error })
	if err == nil {
		return nil
	}
	if _, found, findErr := s.GetByEmail(ctx, rec.Email); findErr == nil && found {
		return fmt.Errorf("%w: %w", users.ErrEmailTaken, err)
	}
	if duplicate(err) {
		return fmt.Errorf("id %q is taken: %w", rec.ID, err)
	}
	return err
}

// duplicate reports whether err is a unique-index violation, as GORM
// translates it or as MySQL and PostgreSQL report it.
func duplicate(err error) bool {
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return true
	}
	var my *mysqldriver.MySQLError
	if errors.As(err, &my) {
		return my.Number == 1062 // ER_DUP_ENTRY
	}
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505" // unique_violation
}

// Get implements users.Store.
func (s *Store) Get(ctx context.Context, id string) (users.Record, bool, error) {
	return s.find(ctx, "id = ?", id)
}

// GetByEmail implements users.Store: one query on the unique index.
func (s *Store) GetByEmail(ctx context.Context, email string) (users.Record, bool, error) {
	if email == "" {
		// No account has the email "": those without one have NULL.
		return users.Record{}, false, ctx.Err()
	}
	return s.find(ctx, "email = ?", email)
}

// List implements users.Store. The rows come oldest first, as the
// Directory lists them.
func (s *Store) List(ctx context.Context) ([]users.Record, error) {
	var rows []record
	if err := s.db.WithContext(ctx).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	recs := make([]users.Record, len(rows))
	for i, r := range rows {
		recs[i] = r.toRecord()
	}
	return recs, nil
}

// Count implements users.Store.
func (s *Store) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.WithContext(ctx).Model(&record{}).Count(&n).Error; err != nil {
		return 0, err
	}
	return n, nil
}

// SetPasswordHash implements users.Store.
func (s *Store) SetPasswordHash(ctx context.Context, id, hash string, at time.Time) (bool, error) {
	return s.update(ctx, id, "", map[string]any{"password_hash": hash, "updated_at": column(at)})
}

// ReplacePasswordHash implements users.Store: one UPDATE whose condition
// is the old hash.
func (s *Store) ReplacePasswordHash(ctx context.Context, id, oldHash, newHash string) (bool, error) {
	if sameHash(oldHash, newHash) {
		// MySQL counts only the rows a write changes: read instead.
		rec, found, err := s.find(ctx, "id = ?", id)
		return found && sameHash(rec.PasswordHash, oldHash), err
	}
	res := s.db.WithContext(ctx).Model(&record{}).
		Where("id = ? AND password_hash = ?", id, oldHash).
		Update("password_hash", newHash)
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected > 0, nil
}

// SetLocked implements users.Store.
func (s *Store) SetLocked(ctx context.Context, id string, locked bool, at time.Time) (bool, error) {
	at = column(at)
	if locked {
		return s.update(ctx, id, "locked_at IS NULL", map[string]any{"locked_at": at, "updated_at": at})
	}
	return s.update(ctx, id, "locked_at IS NOT NULL", map[string]any{"locked_at": nil, "updated_at": at})
}

// MarkEmailVerified implements users.Store.
func (s *Store) MarkEmailVerified(ctx context.Context, id string, at time.Time) (bool, error) {
	at = column(at)
	return s.update(ctx, id, "email_verified_at IS NULL", map[string]any{"email_verified_at": at, "updated_at": at})
}

// Delete implements users.Store.
func (s *Store) Delete(ctx context.Context, id string) (bool, error) {
	res := s.db.WithContext(ctx).Where("id = ?", id).Delete(&record{})
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected > 0, nil
}

// update applies values to the account with id, in one statement.
// unlessDone, when not "", is a condition that no longer holds once the
// change is in place (such as "locked_at IS NULL" for locking), so that
// repeating a change keeps its first time. It reports whether the account
// exists: a change already in place is no miss. Telling the two apart by
// reading the row, rather than by rows affected alone, keeps the answer
// right on databases that count only rows actually changed.
func (s *Store) update(ctx context.Context, id, unlessDone string, values map[string]any) (bool, error) {
	q := s.db.WithContext(ctx).Model(&record{}).Where("id = ?", id)
	if unlessDone != "" {
		q = q.Where(unlessDone)
	}
	res := q.Updates(values)
	if res.Error != nil {
		return false, res.Error
	}
	if res.RowsAffected > 0 {
		return true, nil
	}
	_, found, err := s.find(ctx, "id = ?", id)
	return found, err
}

// find returns the one account matching the condition. It uses Find with a
// limit rather than First, which would log every miss.
func (s *Store) find(ctx context.Context, query string, arg string) (users.Record, bool, error) {
	var row record
	res := s.db.WithContext(ctx).Where(query, arg).Limit(1).Find(&row)
	if res.Error != nil {
		return users.Record{}, false, res.Error
	}
	if res.RowsAffected == 0 {
		return users.Record{}, false, nil
	}
	return row.toRecord(), true, nil
}

// sameHash reports whether two password hashes are equal, in constant
// time, as gatehouse compares every secret.
func sameHash(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
