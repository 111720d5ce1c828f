package refresh

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Store issues, rotates and revokes refresh tokens kept in a GORM database.
// It is safe for concurrent use.
type Store struct {
	db  *gorm.DB
	cfg Config
	log *slog.Logger
}

// New returns a Store on db, creating its table (gatehouse_refresh_tokens)
// if it is missing. It refuses a nil db and a Config with a negative
// lifetime, with an error matching ErrInvalidConfig.
func New(ctx context.Context, db *gorm.DB, cfg Config) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: nil *gorm.DB", ErrInvalidConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := schema.Migrate(ctx, db, &record{}); err != nil {
		return nil, fmt.Errorf("refresh: create table %s: %w", tableName, err)
	}
	return &Store{db: db, cfg: cfg, log: cfg.Logger}, nil
}

// now returns the current time in UTC, so that every time stored compares
// correctly with every other, even as text (SQLite), and to the
// microsecond, which every database keeps, so that a time read back is the
// one written.
func (s *Store) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// find looks up the record of a token by its hash. found is false when no
// token has that hash.
func find(db *gorm.DB, hash string) (rec record, found bool, err error) {
	res := db.Where("token_hash = ?", hash).Limit(1).Find(&rec)
	if res.Error != nil {
		return record{}, false, fmt.Errorf("refresh: look up token: %w", res.Error)
	}
	return rec, res.RowsAffected == 1, nil
}

// revokeFamily marks every live token of a family revoked and returns how
// many it marked. One statement, so a family is never half revoked.
func revokeFamily(db *gorm.DB, familyID string, now time.Time) (int64, error) {
	res := db.Model(&record{}).
		Where("family_id = ? AND revoked_at IS NULL", familyID).
		Update("revoked_at", now)
	if res.Error != nil {
		return 0, fmt.Errorf("refresh: revoke family %s: %w", familyID, res.Error)
	}
	return res.RowsAffected, nil
}
