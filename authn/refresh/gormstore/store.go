package gormstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store is a refresh.Store on a GORM database. It is safe for concurrent
// use, and any number of Stores, in one process or many, may share a
// database.
type Store struct {
	db *gorm.DB
	// postgres is set on PostgreSQL, whose rotations and revocations
	// meet on advisory locks (see revoke).
	postgres bool
}

var _ refresh.Store = (*Store)(nil)

// New returns a Store on db, creating the table gatehouse_refresh_tokens
// and its indexes if they are missing (several processes starting
// together may race to do so: the loser finds them in place); ctx bounds
// that. It refuses a nil db with an error matching
// refresh.ErrInvalidConfig, and reports a failure to create the table with
// one matching refresh.ErrStore.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("refresh/gormstore: %w: db is nil", refresh.ErrInvalidConfig)
	}
	if err := schema.Migrate(ctx, db, &record{}); err != nil {
		return nil, fmt.Errorf("refresh/gormstore: %w: create table %s: %w", refresh.ErrStore, tableName, err)
	}
	return &Store{db: db, postgres: db.Dialector.Name() == "postgres"}, nil
}

// errTooLong refuses a value wider than its column.
var errTooLong = errors.New("value wider than its column")

// Insert implements refresh.Store.
func (s *Store) Insert(ctx context.Context, rec refresh.Record) error {
	if !fits(rec) {
		return errTooLong
	}
	row := fromRecord(rec)
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return s.explainInsert(ctx, s.db, rec, err)
	}
	return nil
}

// explainInsert returns err, the failure of inserting rec, as matching
// refresh.ErrTokenExists when a stored token has rec's id or hash. That
// is asked of the table, not read from the error, whose form differs by
// database and driver.
func (s *Store) explainInsert(ctx context.Context, db *gorm.DB, rec refresh.Record, err error) error {
	var n int64
	if countErr := db.WithContext(ctx).Model(&record{}).
		Where("id = ? OR token_hash = ?", rec.ID, rec.TokenHash).Count(&n).Error; countErr == nil && n > 0 {
		return fmt.Errorf("%w: %w", refresh.ErrTokenExists, err)
	}
	return err
}

// Find implements refresh.Store.
func (s *Store) Find(ctx context.Context, tokenHash string) (refresh.Record, bool, error) {
	return find(s.db.WithContext(ctx), tokenHash)
}

// find reads the token whose hash is tokenHash, on db or in a transaction.
func find(db *gorm.DB, tokenHash string) (refresh.Record, bool, error) {
	var row record
	res := db.Where("token_hash = ?", tokenHash).Limit(1).Find(&row)
	if res.Error != nil {
		return refresh.Record{}, false, res.Error
	}
	if res.RowsAffected == 0 {
		return refresh.Record{}, false, nil
	}
	return row.toRecord(), true, nil
}

// Rotate implements refresh.Store. Racing rotations deadlock on MySQL now
// and then: the winner inserts the successor into the gap of the family
// index that a loser's revocation of the family has locked. The server
// rolls one back; trying it again reads what the other committed.
func (s *Store) Rotate(ctx context.Context, tokenHash string, next refresh.Record, now time.Time) (refresh.Rotation, error) {
	var rot refresh.Rotation
	err := retry.OnDeadlock(ctx, func() error {
		var err error
		rot, err = s.rotate(ctx, tokenHash, next, bound(now))
		return err
	})
	if err != nil {
		return refresh.Rotation{}, err
	}
	return rot, nil
}

// rotate is one attempt at Rotate. The token is read first, outside any
// transaction, so that the common refusals cost one query and lock
// nothing; a live one is then exchanged in a transaction whose first
// statement takes the write lock.
func (s *Store) rotate(ctx context.Context, tokenHash string, next refresh.Record, now time.Time) (refresh.Rotation, error) {
	db := s.db.WithContext(ctx)
	rec, found, err := find(db, tokenHash)
	switch {
	case err != nil:
		return refresh.Rotation{}, err
	case !found:
		return refresh.Rotation{Outcome: refresh.NotFound}, nil
	case !rec.RevokedAt.IsZero():
		return refresh.Rotation{Outcome: refresh.Revoked, Presented: rec}, nil
	case !rec.UsedAt.IsZero():
		// Reuse is detected even after the token's expiry: a rotated token
		// in anybody's hands but the client's is a stolen one.
		if _, err := s.revoke(ctx, "family_id", rec.FamilyID, now); err != nil {
			return refresh.Rotation{}, err
		}
		return refresh.Rotation{Outcome: refresh.Reused, Presented: rec}, nil
	case rec.Expired(now):
		return refresh.Rotation{Outcome: refresh.Expired, Presented: rec}, nil
	}
	successor := rec.Successor(next)
	if !fits(successor) {
		return refresh.Rotation{}, errTooLong
	}
	return s.exchange(ctx, rec, successor, now)
}

// exchange marks the token of rec used and stores successor, in one
// transaction. When the token has died since it was read, it says how,
// and revokes the family if a concurrent rotation used it.
func (s *Store) exchange(ctx context.Context, rec, successor refresh.Record, now time.Time) (refresh.Rotation, error) {
	rot := refresh.Rotation{Presented: rec}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if s.postgres {
			// Shared with other rotations, exclusive of a revocation of
			// the family or the subject: see revoke.
			if err := tx.Exec("SELECT pg_advisory_xact_lock_shared(?), pg_advisory_xact_lock_shared(?)",
				lockKey("family_id", rec.FamilyID), lockKey("subject", rec.Subject)).Error; err != nil {
				return fmt.Errorf("lock family: %w", err)
			}
		}
		// The conditional update comes before any read, so it takes the
		// write lock before reading anything (SQLite refuses a reader
		// the lock it asks for later): of two racing calls one marks the
		// token used and the other finds nothing to mark.
		res := tx.Model(&record{}).
			Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", rec.ID).
			Update("used_at", now)
		if res.Error != nil {
			return fmt.Errorf("mark token used: %w", res.Error)
		}
		if res.RowsAffected == 1 {
			row := fromRecord(successor)
			if err := tx.Create(&row).Error; err != nil {
				return fmt.Errorf("store successor: %w", s.explainInsert(ctx, s.db, successor, err))
			}
			rot.Outcome, rot.Next = refresh.Rotated, successor
			return nil
		}
		// Revoked, deleted or used since it was read.
		current, found, err := find(tx, rec.TokenHash)
		switch {
		case err != nil:
			return err
		case !found:
			rot = refresh.Rotation{Outcome: refresh.NotFound}
		case !current.RevokedAt.IsZero():
			rot.Outcome, rot.Presented = refresh.Revoked, current
		default:
			rot.Outcome, rot.Presented = refresh.Reused, current
		}
		return nil
	})
	if err != nil {
		return refresh.Rotation{}, err
	}
	if rot.Outcome == refresh.Reused {
		// A racing rotation used the token first: this one is reuse. The
		// family is revoked after the transaction, which holds the shared
		// lock a revocation waits for on PostgreSQL.
		if _, err := s.revoke(ctx, "family_id", rec.FamilyID, now); err != nil {
			return refresh.Rotation{}, err
		}
	}
	return rot, nil
}

// RevokeFamily implements refresh.Store. A family's subject never
// changes, so it is checked before the revocation rather than with it.
func (s *Store) RevokeFamily(ctx context.Context, familyID, subject string, now time.Time) (bool, error) {
	db := s.db.WithContext(ctx)
	if subject != "" {
		var n int64
		if err := db.Model(&record{}).Where("family_id = ? AND subject = ?", familyID, subject).Count(&n).Error; err != nil {
			return false, err
		}
		if n == 0 {
			return false, nil
		}
	}
	revoked, err := s.revoke(ctx, "family_id", familyID, bound(now))
	if err != nil || revoked > 0 || subject != "" {
		return err == nil, err
	}
	// Nothing left to revoke: a family revoked before, or none.
	var n int64
	if err := db.Model(&record{}).Where("family_id = ?", familyID).Count(&n).Error; err != nil {
		return false, err
	}
	return n > 0, nil
}

// RevokeSubject implements refresh.Store.
func (s *Store) RevokeSubject(ctx context.Context, subject string, now time.Time) (int64, error) {
	return s.revoke(ctx, "subject", subject, bound(now))
}

// revoke marks revoked every live token whose column (family_id or
// subject) equals value, and returns how many it marked, retrying when the
// database breaks a deadlock.
//
// On PostgreSQL it first takes, for its transaction, an advisory lock on
// the family or subject that every rotation of it takes shared (exchange):
// the revocation waits for the rotations under way to commit, and the
// rotations that follow wait for it, then find their tokens revoked. A
// client rotating as fast as it can — a thief racing a password reset —
// thus cannot keep a successor one step ahead of the revocation's passes.
// MySQL's updates read the latest rows and lock the gaps between them, and
// SQLite has one writer at a time: there the passes of revokeLive
// suffice.
func (s *Store) revoke(ctx context.Context, column, value string, now time.Time) (int64, error) {
	var revoked int64
	err := retry.OnDeadlock(ctx, func() error {
		var err error
		if !s.postgres {
			revoked, err = revokeLive(s.db.WithContext(ctx), column, value, now)
			return err
		}
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", lockKey(column, value)).Error; err != nil {
				return fmt.Errorf("lock %s: %w", column, err)
			}
			revoked, err = revokeLive(tx, column, value, now)
			return err
		})
	})
	return revoked, err
}

// lockKey is the PostgreSQL advisory lock of a family or a subject: a
// 64-bit hash of the table, the column and the value. Two values that
// share a key only wait for each other now and then.
func lockKey(column, value string) int64 {
	h := fnv.New64a()
	h.Write([]byte(tableName))
	h.Write([]byte{0})
	h.Write([]byte(column))
	h.Write([]byte{0})
	h.Write([]byte(value))
	return int64(h.Sum64())
}

// maxRevokePasses bounds revokeLive's passes. Each pass after the first
// finds only successors committed while the pass before waited, so two or
// three passes are the rule even under racing rotations.
const maxRevokePasses = 16

// errRevocationNotSettled reports tokens still appearing after
// maxRevokePasses passes, which only a flood of new logins can cause.
var errRevocationNotSettled = errors.New("live tokens still appearing, try again")

// revokeLive marks revoked every live token whose column (family_id or
// subject) equals value, and returns how many it marked.
//
// One UPDATE is not enough. Under READ COMMITTED (PostgreSQL) a statement
// sees the rows committed when it began: a rotation whose transaction holds
// the old token's row makes the UPDATE wait, and the successor it then
// commits was not there to be seen, so it would stay live, a descendant of
// a revoked family. The UPDATE is repeated until a pass finds nothing to
// mark: a pass that marks nothing saw every token of the family or subject
// revoked and no rotation under way (a rotation under way holds a row the
// pass would have marked), so no successor can be committed after it.
func revokeLive(db *gorm.DB, column, value string, now time.Time) (int64, error) {
	var total int64
	for range maxRevokePasses {
		res := db.Model(&record{}).
			Where(column+" = ? AND revoked_at IS NULL", value).
			Update("revoked_at", now)
		if res.Error != nil {
			return total, res.Error
		}
		if res.RowsAffected == 0 {
			return total, nil
		}
		total += res.RowsAffected
	}
	return total, errRevocationNotSettled
}

// LiveTokens implements refresh.Store. The query's bounds are exact for
// times stored to the microsecond; each row is checked with Record.Live
// too.
func (s *Store) LiveTokens(ctx context.Context, subject string, now time.Time) ([]refresh.Record, error) {
	var rows []record
	err := s.db.WithContext(ctx).
		Where("subject = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND family_expires_at > ?",
			subject, bound(now), bound(now)).
		Find(&rows).Error
	if err != nil {
		return nil, err
	}
	recs := make([]refresh.Record, 0, len(rows))
	for _, row := range rows {
		if rec := row.toRecord(); rec.Live(now) {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// Cleanup implements refresh.Store. The inner query is wrapped in a
// derived table because MySQL refuses a DELETE whose subquery reads the
// table it deletes from.
func (s *Store) Cleanup(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.db.WithContext(ctx).
		Where("family_expires_at < ?", bound(cutoff)).
		Or("family_id IN (SELECT family_id FROM (SELECT family_id FROM "+tableName+
			" GROUP BY family_id HAVING MAX(expires_at) < ?) AS dead_families)", bound(cutoff)).
		Delete(&record{})
	if res.Error != nil {
		return 0, res.Error
	}
	return res.RowsAffected, nil
}
