package throttle

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Limiter counts failed logins in a database and refuses logins over the
// limit. Build one with New; it is safe for concurrent use, and processes
// sharing the database share the counts.
type Limiter struct {
	db  *gorm.DB
	cfg Config
}

// failure is one login attempt counted against one key: an account or an
// address. An attempt with both is stored as two rows, so each count is one
// indexed range scan. A row is Pending from Reserve until its attempt has
// failed (Attempt.Failed); a success or a cancellation deletes it.
type failure struct {
	ID       uint64    `gorm:"primaryKey;autoIncrement"`
	Key      string    `gorm:"size:400;not null;index:idx_gatehouse_login_failures_key,priority:1"`
	FailedAt time.Time `gorm:"precision:6;not null;index:idx_gatehouse_login_failures_key,priority:2;index"`
	// Attempt is the id of the reservation that wrote the row; "" for a
	// failure recorded without one (RecordFailure).
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
	// unused for a Window.
	LockedAt time.Time `gorm:"precision:6;not null;index"`
}

// TableName is the table the locks are kept in.
func (keyLock) TableName() string { return "gatehouse_login_attempt_locks" }

// MaxAccountLength is the longest account name accepted, in bytes: room for
// any email address (at most 254) or user name.
const MaxAccountLength = 320

// MaxAddressLength is the longest client address accepted, in bytes: room
// for any IPv6 address with a port, or with a zone.
const MaxAddressLength = 64

// New returns a Limiter over db, creating the gatehouse_login_failures and
// gatehouse_login_attempt_locks tables if they are missing. It refuses a
// nil db and a Config it cannot use with an error matching
// ErrInvalidConfig. ctx bounds the table creation.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Limiter, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: db is nil", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := schema.Migrate(ctx, db, &failure{}, &keyLock{}); err != nil {
		return nil, fmt.Errorf("throttle: create tables: %w", err)
	}
	return &Limiter{db: db, cfg: cfg}, nil
}

// now returns the clock's time in UTC at microsecond precision. One zone
// and one precision for every stored time keep comparisons right on
// databases, like SQLite, that compare times as text.
func (l *Limiter) now() time.Time {
	return l.cfg.Now().UTC().Truncate(time.Microsecond)
}

// txOptions are the options of Reserve's transaction. Once it holds its
// locks, it must count the rows that the previous holder committed:
// PostgreSQL and MySQL read committed rows statement by statement only at
// READ COMMITTED (MySQL's default, REPEATABLE READ, may read from an older
// snapshot), and a server configured for a stricter default would fail
// the waiting transaction instead. SQLite runs one writer at a time and
// needs nothing.
func (l *Limiter) txOptions() []*sql.TxOptions {
	switch l.db.Dialector.Name() {
	case "postgres", "mysql":
		return []*sql.TxOptions{{Isolation: sql.LevelReadCommitted}}
	}
	return nil
}

// accountKey returns the key failures of account are counted under.
func accountKey(account string) (string, error) {
	switch {
	case account == "":
		return "", fmt.Errorf("%w: empty", ErrInvalidAccount)
	case len(account) > MaxAccountLength:
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidAccount, MaxAccountLength)
	}
	return "account:" + account, nil
}
