package throttle

import (
	"context"
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

// failure is one failed login, counted against one key: an account or an
// address. A failure with both is stored as two rows, so each count is one
// indexed range scan.
type failure struct {
	ID       uint64    `gorm:"primaryKey;autoIncrement"`
	Key      string    `gorm:"size:400;not null;index:idx_gatehouse_login_failures_key,priority:1"`
	FailedAt time.Time `gorm:"precision:6;not null;index:idx_gatehouse_login_failures_key,priority:2;index"`
}

// TableName is the table failures are stored in.
func (failure) TableName() string { return "gatehouse_login_failures" }

// MaxAccountLength is the longest account name accepted, in bytes: room for
// any email address (at most 254) or user name.
const MaxAccountLength = 320

// MaxAddressLength is the longest client address accepted, in bytes: room
// for any IPv6 address with a zone.
const MaxAddressLength = 64

// New returns a Limiter over db, creating the gatehouse_login_failures
// table if it is missing. It refuses a nil db and a Config it cannot use
// with an error matching ErrInvalidConfig. ctx bounds the table creation.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Limiter, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: db is nil", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := schema.Migrate(ctx, db, &failure{}); err != nil {
		return nil, fmt.Errorf("throttle: create table gatehouse_login_failures: %w", err)
	}
	return &Limiter{db: db, cfg: cfg}, nil
}

// now returns the clock's time in UTC at microsecond precision. One zone
// and one precision for every stored time keep comparisons right on
// databases, like SQLite, that compare times as text.
func (l *Limiter) now() time.Time {
	return l.cfg.Now().UTC().Truncate(time.Microsecond)
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

// addressKey returns the key failures from address are counted under, or
// "" when the address is unknown.
func addressKey(address string) (string, error) {
	switch {
	case address == "":
		return "", nil
	case len(address) > MaxAddressLength:
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidAddress, MaxAddressLength)
	}
	return "address:" + address, nil
}
