package gormstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/internal/storecall"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store keeps a Limiter's counts in a database. Build one with New; it is
// safe for concurrent use, and Stores on one database share the counts.
type Store struct {
	db *gorm.DB
}

var _ throttle.Store = (*Store)(nil)

// failure is one entry under one key: a failure or, while Pending, an
// attempt in progress. An attempt with two keys is two rows, so each count
// is one indexed range scan.
type failure struct {
	ID       uint64    `gorm:"primaryKey;autoIncrement"`
	Key      string    `gorm:"size:400;not null;index:idx_gatehouse_login_failures_key,priority:1"`
	FailedAt time.Time `gorm:"precision:6;not null;index:idx_gatehouse_login_failures_key,priority:2;index"`
	// Attempt is the id of the reservation that wrote the row; "" for a
	// failure recorded without one (AddFailure).
	Attempt string `gorm:"size:32;not null;default:''"`
	// Pending marks an attempt whose password is still being checked.
	Pending bool `gorm:"not null;default:false"`
}

// TableName is the table failures are stored in.
func (failure) TableName() string { return "gatehouse_login_failures" }

// keyLock is the row Reserve locks, one per key, so that the attempts on
// one account or from one address are counted one after another, by every
// process sharing the database.
type keyLock struct {
	Key string `gorm:"primaryKey;size:400"`
	// LockedAt is when an attempt last took the lock; Cleanup deletes locks
	// unused since the time it is given.
	LockedAt time.Time `gorm:"precision:6;not null;index"`
}

// TableName is the table the locks are kept in.
func (keyLock) TableName() string { return "gatehouse_login_attempt_locks" }

// New returns a Store over db, creating the gatehouse_login_failures and
// gatehouse_login_attempt_locks tables if they are missing (safely when
// several processes start together). It refuses a nil db with an error
// matching throttle.ErrInvalidConfig. ctx bounds the table creation.
func New(ctx context.Context, db *gorm.DB) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: db is nil", throttle.ErrInvalidConfig)
	}
	if err := schema.Migrate(ctx, db, &failure{}, &keyLock{}); err != nil {
		return nil, fmt.Errorf("throttle/gormstore: create tables: %w", err)
	}
	return &Store{db: db}, nil
}

// Reserve implements throttle.Store in one transaction.
func (s *Store) Reserve(ctx context.Context, id string, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	if err := storecall.Reserve(id, limits, window); err != nil {
		return nil, err
	}
	now = normal(now)
	var usage []throttle.Usage
	err := retry.OnDeadlock(ctx, func() error {
		return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			var err error
			usage, err = reserve(tx, id, limits, now, window)
			return err
		}, s.txOptions()...)
	})
	if err != nil {
		return nil, fmt.Errorf("throttle/gormstore: %w", err)
	}
	return usage, nil
}

// reserve is Reserve's transaction. It locks the keys' rows first: the
// lock is its first statement, so on SQLite it takes the write lock before
// reading anything, and elsewhere an attempt on the same key waits here
// until the one before has committed its reservation, then counts it. The
// keys are locked in sorted order, so two attempts lock in the same order
// and cannot wait for each other.
func reserve(tx *gorm.DB, id string, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	keys := storecall.Keys(limits)
	locks := make([]keyLock, len(keys))
	for i, key := range keys {
		locks[i] = keyLock{Key: key, LockedAt: now}
	}
	slices.SortFunc(locks, func(a, b keyLock) int { return strings.Compare(a.Key, b.Key) })
	err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"locked_at"}),
	}).Create(&locks).Error
	if err != nil {
		return nil, fmt.Errorf("lock: %w", err)
	}

	usage := make([]throttle.Usage, len(limits))
	room := true
	for i, l := range limits {
		if usage[i], err = count(tx, l, now.Add(-window)); err != nil {
			return nil, err
		}
		room = room && usage[i].Count < l.Max
	}
	if !room {
		return usage, nil
	}
	rows := make([]failure, len(keys))
	for i, key := range keys {
		rows[i] = failure{Key: key, FailedAt: now, Attempt: id, Pending: true}
	}
	if err := tx.Create(&rows).Error; err != nil {
		return nil, fmt.Errorf("record attempt: %w", err)
	}
	return usage, nil
}

// Usage implements throttle.Store, one statement per limit.
func (s *Store) Usage(ctx context.Context, limits []throttle.Limit, now time.Time, window time.Duration) ([]throttle.Usage, error) {
	if err := storecall.Usage(limits, window); err != nil {
		return nil, err
	}
	since := normal(now).Add(-window)
	db := s.db.WithContext(ctx)
	usage := make([]throttle.Usage, len(limits))
	for i, l := range limits {
		var err error
		if usage[i], err = count(db, l, since); err != nil {
			return nil, fmt.Errorf("throttle/gormstore: %w", err)
		}
	}
	return usage, nil
}

// count reads the newest l.Max rows of l.Key after since, in one
// statement, so that an attempt that fails meanwhile is counted once, as
// attempt or as failure.
func count(db *gorm.DB, l throttle.Limit, since time.Time) (throttle.Usage, error) {
	var newest []failure
	err := db.Model(&failure{}).Select("failed_at", "pending").
		Where(keyIs(l.Key)).
		Where("failed_at > ?", since).
		Order("failed_at DESC").Limit(l.Max).
		Find(&newest).Error
	if err != nil {
		return throttle.Usage{}, fmt.Errorf("count failures: %w", err)
	}
	if len(newest) == 0 {
		return throttle.Usage{}, nil
	}
	u := throttle.Usage{Count: len(newest), Oldest: newest[len(newest)-1].FailedAt}
	for _, f := range newest {
		u.Pending = u.Pending || f.Pending
	}
	return u, nil
}

// Fail implements throttle.Store in one statement.
func (s *Store) Fail(ctx context.Context, id string, keys []string, now time.Time, window time.Duration) error {
	if err := storecall.Fail(id, keys, window); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Model(&failure{}).
		Where(pendingOf(id, keys)).
		Updates(map[string]any{"pending": false, "failed_at": normal(now)}).Error
	if err != nil {
		return fmt.Errorf("throttle/gormstore: %w", err)
	}
	return nil
}

// Succeed implements throttle.Store in one statement.
func (s *Store) Succeed(ctx context.Context, id string, keys []string, reset string) error {
	if err := storecall.Succeed(id, keys, reset); err != nil {
		return err
	}
	err := s.db.WithContext(ctx).Where(clause.Or(pendingOf(id, keys), failuresOf(reset))).Delete(&failure{}).Error
	if err != nil {
		return fmt.Errorf("throttle/gormstore: %w", err)
	}
	return nil
}

// Cancel implements throttle.Store in one statement.
func (s *Store) Cancel(ctx context.Context, id string, keys []string) error {
	if err := storecall.Cancel(id, keys); err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Where(pendingOf(id, keys)).Delete(&failure{}).Error; err != nil {
		return fmt.Errorf("throttle/gormstore: %w", err)
	}
	return nil
}

// AddFailure implements throttle.Store in one statement.
func (s *Store) AddFailure(ctx context.Context, keys []string, at time.Time, window time.Duration) error {
	if err := storecall.AddFailure(keys, window); err != nil {
		return err
	}
	at = normal(at)
	rows := make([]failure, len(keys))
	for i, key := range keys {
		rows[i] = failure{Key: key, FailedAt: at}
	}
	if err := s.db.WithContext(ctx).Create(&rows).Error; err != nil {
		return fmt.Errorf("throttle/gormstore: %w", err)
	}
	return nil
}

// Reset implements throttle.Store in one statement.
func (s *Store) Reset(ctx context.Context, key string) error {
	if err := storecall.Reset(key); err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Where(failuresOf(key)).Delete(&failure{}).Error; err != nil {
		return fmt.Errorf("throttle/gormstore: %w", err)
	}
	return nil
}

// Cleanup implements throttle.Store. It deletes the locks unused since
// before too, which are not counted.
func (s *Store) Cleanup(ctx context.Context, before time.Time) (int64, error) {
	before = normal(before)
	res := s.db.WithContext(ctx).Where("failed_at <= ?", before).Delete(&failure{})
	if res.Error != nil {
		return 0, fmt.Errorf("throttle/gormstore: %w", res.Error)
	}
	if err := s.db.WithContext(ctx).Where("locked_at <= ?", before).Delete(&keyLock{}).Error; err != nil {
		return res.RowsAffected, fmt.Errorf("throttle/gormstore: delete locks: %w", err)
	}
	return res.RowsAffected, nil
}

// txOptions are the options of Reserve's transaction. Once it holds its
// locks, it must count the rows that the previous holder committed:
// PostgreSQL and MySQL read committed rows statement by statement only at
// READ COMMITTED (MySQL's default, REPEATABLE READ, may read from an older
// snapshot), and a server configured for a stricter default would fail
// the waiting transaction instead. SQLite runs one writer at a time and
// needs nothing.
func (s *Store) txOptions() []*sql.TxOptions {
	switch s.db.Dialector.Name() {
	case "postgres", "mysql":
		return []*sql.TxOptions{{Isolation: sql.LevelReadCommitted}}
	}
	return nil
}

// pendingOf selects the rows attempt id holds pending under keys.
func pendingOf(id string, keys []string) clause.Expression {
	values := make([]any, len(keys))
	for i, key := range keys {
		values[i] = key
	}
	return clause.And(
		clause.IN{Column: clause.Column{Name: "key"}, Values: values},
		clause.Eq{Column: clause.Column{Name: "attempt"}, Value: id},
		clause.Eq{Column: clause.Column{Name: "pending"}, Value: true},
	)
}

// failuresOf selects the failures, not the pending rows, of key.
func failuresOf(key string) clause.Expression {
	return clause.And(keyIs(key), clause.Eq{Column: clause.Column{Name: "pending"}, Value: false})
}

// keyIs selects the rows of key.
func keyIs(key string) clause.Expression {
	return clause.Eq{Column: clause.Column{Name: "key"}, Value: key}
}

// normal returns t in UTC at microsecond precision. One zone and one
// precision for every stored time keep comparisons right on databases,
// like SQLite, that compare times as text.
func normal(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
