package refresh

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn"
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

// lookup returns the record of the token with this hash, or an error
// matching authn.ErrInvalidToken when there is none. The database matched
// the hash; the check in constant time keeps a collation that compares
// loosely from letting another token pass.
func lookup(db *gorm.DB, hash string) (record, error) {
	rec, found, err := find(db, hash)
	if err != nil {
		return record{}, err
	}
	if !found || subtle.ConstantTimeCompare([]byte(rec.TokenHash), []byte(hash)) != 1 {
		return record{}, fmt.Errorf("refresh: unknown token: %w", authn.ErrInvalidToken)
	}
	return rec, nil
}

// revokeFamily marks every live token of a family revoked and returns how
// many it marked.
func revokeFamily(db *gorm.DB, familyID string, now time.Time) (int64, error) {
	n, err := revokeLive(db, "family_id", familyID, now)
	if err != nil {
		return 0, fmt.Errorf("refresh: revoke family %s: %w", familyID, err)
	}
	return n, nil
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
