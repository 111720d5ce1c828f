package apikey

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store keeps API keys in a database through GORM. Build one with New; it is
// safe for concurrent use, and several processes may share one database.
type Store struct {
	db  *gorm.DB
	cfg Config
}

// keyRow is a key as stored. Hash is the only trace of the secret.
type keyRow struct {
	ID         string     `gorm:"primaryKey;size:20"`
	Prefix     string     `gorm:"size:8;not null;uniqueIndex"`
	Hash       string     `gorm:"size:64;not null"`
	OwnerID    string     `gorm:"size:255;not null;index"`
	Name       string     `gorm:"size:100;not null"`
	CreatedAt  time.Time  `gorm:"precision:6"`
	ExpiresAt  *time.Time `gorm:"precision:6"`
	RevokedAt  *time.Time `gorm:"precision:6"`
	LastUsedAt *time.Time `gorm:"precision:6"`
}

// TableName is the table keys are stored in.
func (keyRow) TableName() string { return "gatehouse_api_keys" }

// key returns the row's public description.
func (r keyRow) key() Key {
	return Key{
		ID:         r.ID,
		Prefix:     r.Prefix,
		OwnerID:    r.OwnerID,
		Name:       r.Name,
		CreatedAt:  r.CreatedAt.UTC(),
		ExpiresAt:  utcPtr(r.ExpiresAt),
		RevokedAt:  utcPtr(r.RevokedAt),
		LastUsedAt: utcPtr(r.LastUsedAt),
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// New returns a Store over db, creating the gatehouse_api_keys table if it
// is missing. It refuses a nil db and a Config it cannot use with an error
// matching ErrInvalidConfig. ctx bounds the table creation.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: db is nil", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := schema.Migrate(ctx, db, &keyRow{}); err != nil {
		return nil, fmt.Errorf("apikey: create table gatehouse_api_keys: %w", err)
	}
	return &Store{db: db, cfg: cfg}, nil
}

// now returns the clock's time in UTC at microsecond precision, the finest
// that common SQL databases store, so a time read back equals the one
// written.
func (s *Store) now() time.Time {
	return s.cfg.Now().UTC().Truncate(time.Microsecond)
}
