package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is a session.Store on a GORM database. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// database.
type Store struct {
	db *gorm.DB
}

var _ session.Store = (*Store)(nil)

// New returns a Store on db, creating the table gatehouse_sessions and its
// indexes if they are missing, and adding the column methods to a table
// created before it had one (several processes starting together may race
// to do so: the loser finds them in place). It refuses a nil db with
// an error matching session.ErrInvalidConfig, and reports a failure to
// create the table with one matching session.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("session/gormstore: %w: db is nil", session.ErrInvalidConfig)
	}
	if err := schema.Migrate(ctx, db, &record{}); err != nil {
		return nil, fmt.Errorf("session/gormstore: %w: create table %s: %w", session.ErrStore, record{}.TableName(), err)
	}
	return &Store{db: db}, nil
}

// Create implements session.Store. The previous session is found by its
// hash before the transaction and deleted by its id within it: on MySQL a
// delete by a hash that matches nothing locks the gap in the index where
// the hash would be, and concurrent logins inserting their sessions there
// deadlock; and on SQLite a transaction that reads first may be refused
// the write lock it asks for next. A deadlock the server breaks anyway is
// retried.
func (s *Store) Create(ctx context.Context, rec session.Record, _ time.Duration, replaceTokenHash string) error {
	row := fromRecord(rec)
	var previous []string
	if replaceTokenHash != "" {
		err := s.db.WithContext(ctx).Model(&record{}).Where("token_hash = ?", replaceTokenHash).Pluck("id", &previous).Error
		if err != nil {
			return fmt.Errorf("look up previous session: %w", err)
		}
	}
	err := retry.OnDeadlock(ctx, func() error {
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if len(previous) > 0 {
				if err := tx.Where("id IN ?", previous).Delete(&record{}).Error; err != nil {
					return fmt.Errorf("destroy previous session: %w", err)
				}
			}
			return tx.Create(&row).Error
		})
	})
	if err == nil {
		return nil
	}
	if duplicate(err) {
		return fmt.Errorf("%w: %w", session.ErrSessionExists, err)
	}
	// Drivers report a unique violation in their own words, and GORM
	// translates SQLite's only when asked to: look for the other session.
	var n int64
	if countErr := s.db.WithContext(ctx).Model(&record{}).
		Where("id = ? OR token_hash = ?", rec.ID, rec.TokenHash).Count(&n).Error; countErr == nil && n > 0 {
		return fmt.Errorf("%w: %w", session.ErrSessionExists, err)
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

// Touch implements session.Store: it reads the session, then writes its
// activity only if the session is still there with an older time, so that
// a session destroyed in between (a logout, a password reset) stays
// destroyed rather than being revived by the stale read.
func (s *Store) Touch(ctx context.Context, tokenHash string, use session.Use) (session.Record, bool, error) {
	var row record
	found := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Limit(1).Find(&row)
	if found.Error != nil {
		return session.Record{}, false, found.Error
	}
	if found.RowsAffected == 0 {
		return session.Record{}, false, nil
	}
	rec := row.toRecord()
	if !rec.Live(use.Now, use.IdleTimeout) {
		return session.Record{}, false, nil
	}
	if !use.Due(rec) {
		return rec, true, nil
	}
	seen := bound(use.SeenAt)
	touched := s.db.WithContext(ctx).Model(&record{}).
		Where("id = ? AND last_seen_at < ?", rec.ID, seen).
		Update("last_seen_at", seen)
	if touched.Error != nil {
		return session.Record{}, false, touched.Error
	}
	if touched.RowsAffected == 1 {
		rec.LastSeenAt = seen
		return rec, true, nil
	}
	// Either the session was destroyed since the read, or a concurrent
	// request recorded this time or a later one (MySQL counts a row
	// written with the value it had as unchanged): read it again.
	again := s.db.WithContext(ctx).Where("id = ?", rec.ID).Limit(1).Find(&row)
	if again.Error != nil {
		return session.Record{}, false, again.Error
	}
	if again.RowsAffected == 0 {
		return session.Record{}, false, nil
	}
	return row.toRecord(), true, nil
}

// Destroy implements session.Store.
func (s *Store) Destroy(ctx context.Context, tokenHash string) error {
	return s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&record{}).Error
}

// DestroyByID implements session.Store.
func (s *Store) DestroyByID(ctx context.Context, subject, id string) (bool, error) {
	res := s.db.WithContext(ctx).Where("id = ? AND subject = ?", id, subject).Delete(&record{})
	if res.Error != nil {
		return false, res.Error
	}
	return res.RowsAffected > 0, nil
}

// DestroySubject implements session.Store.
func (s *Store) DestroySubject(ctx context.Context, subject string) error {
	return s.db.WithContext(ctx).Where("subject = ?", subject).Delete(&record{}).Error
}

// List implements session.Store. The query's bounds are exact for times
// stored to the microsecond; each row is checked with Record.Live too.
func (s *Store) List(ctx context.Context, subject string, now time.Time, idleTimeout time.Duration) ([]session.Record, error) {
	var rows []record
	err := s.db.WithContext(ctx).
		Where("subject = ? AND expires_at > ? AND last_seen_at > ?", subject, bound(now), bound(now.Add(-idleTimeout))).
		Find(&rows).Error
	if err != nil {
		return nil, err
	}
	recs := make([]session.Record, 0, len(rows))
	for _, row := range rows {
		if rec := row.toRecord(); rec.Live(now, idleTimeout) {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// Cleanup implements session.Store.
func (s *Store) Cleanup(ctx context.Context, now time.Time, idleTimeout time.Duration) (int64, error) {
	res := s.db.WithContext(ctx).
		Where("expires_at <= ? OR last_seen_at <= ?", bound(now), bound(now.Add(-idleTimeout))).
		Delete(&record{})
	if res.Error != nil {
		return 0, res.Error
	}
	return res.RowsAffected, nil
}
