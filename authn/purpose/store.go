package purpose

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// usedToken records that a token was consumed. The primary key on jti is
// what makes a token single-use: of two concurrent Consumes, only one
// insert can succeed.
type usedToken struct {
	JTI       string    `gorm:"column:jti;primaryKey;size:64"`
	Purpose   string    `gorm:"column:purpose;size:32;not null"`
	Subject   string    `gorm:"column:subject;size:255;not null"`
	UsedAt    time.Time `gorm:"precision:6;column:used_at;not null"`
	ExpiresAt time.Time `gorm:"precision:6;column:expires_at;not null;index"`
}

// TableName is the table that holds the used set of every purpose.
func (usedToken) TableName() string { return "gatehouse_used_purpose_tokens" }

// migrate creates the used-token table if it is missing.
func migrate(ctx context.Context, db *gorm.DB) error {
	if err := schema.Migrate(ctx, db, &usedToken{}); err != nil {
		return fmt.Errorf("%w: create table %s: %w", ErrStore, usedToken{}.TableName(), err)
	}
	return nil
}

// isUsed reports whether the token with id jti has been consumed, for any
// purpose.
func (t *Tokens) isUsed(ctx context.Context, jti string) (bool, error) {
	var n int64
	err := t.db.WithContext(ctx).Model(&usedToken{}).Where("jti = ?", jti).Limit(1).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("%w: look up token %s: %w", ErrStore, jti, err)
	}
	return n > 0, nil
}

// markUsed records the token with id jti as consumed. It reports false when
// the id was already recorded, by an earlier or a concurrent Consume.
func (t *Tokens) markUsed(ctx context.Context, jti, subject string, expiresAt time.Time) (bool, error) {
	row := usedToken{
		JTI:       jti,
		Purpose:   t.purpose,
		Subject:   subject,
		UsedAt:    t.now().UTC(),
		ExpiresAt: expiresAt.UTC(),
	}
	res := t.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	if res.Error != nil {
		return false, fmt.Errorf("%w: record token %s: %w", ErrStore, jti, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Cleanup forgets the used tokens of this purpose that can no longer
// verify, because they expired more than Leeway ago, and returns how many
// it forgot. The used set otherwise only grows; run Cleanup now and then,
// such as hourly. Forgetting a token any earlier would let it be consumed
// again, so Cleanup keeps every id whose token Verify could still accept.
func (t *Tokens) Cleanup(ctx context.Context) (int64, error) {
	// exp claims are whole seconds; rounding the cutoff down keeps a row
	// rather than dropping one too early.
	cutoff := t.now().Add(-Leeway).UTC().Truncate(time.Second)
	res := t.db.WithContext(ctx).
		Where("purpose = ? AND expires_at < ?", t.purpose, cutoff).
		Delete(&usedToken{})
	if res.Error != nil {
		return 0, fmt.Errorf("%w: cleanup: %w", ErrStore, res.Error)
	}
	return res.RowsAffected, nil
}
