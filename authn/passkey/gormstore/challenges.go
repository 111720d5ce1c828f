package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/internal/retry"
	"github.com/gatehouse-go/gatehouse/authn/passkey"
	"github.com/gatehouse-go/gatehouse/authn/passkey/internal/check"
	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Challenges is a passkey.ChallengeStore on a GORM database, safe for
// concurrent use from any number of processes. Its zero value has no
// database: call NewChallenges.
type Challenges struct {
	db *gorm.DB
}

var _ passkey.ChallengeStore = (*Challenges)(nil)

// NewChallenges returns Challenges on db, creating
// gatehouse_passkey_challenges if it is missing; errors as New's.
func NewChallenges(ctx context.Context, db *gorm.DB) (*Challenges, error) {
	if db == nil {
		return nil, fmt.Errorf("passkey/gormstore: %w: nil *gorm.DB", passkey.ErrConfig)
	}
	if err := schema.Migrate(ctx, db, &challengeRow{}); err != nil {
		return nil, fmt.Errorf("passkey/gormstore: %w: create table %s: %w", passkey.ErrStore, challengeTable, err)
	}
	return &Challenges{db: db}, nil
}

// Put implements passkey.ChallengeStore.
func (s *Challenges) Put(ctx context.Context, c passkey.Challenge) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if !check.ChallengeID(c.ID) || len(c.UserID) > passkey.MaxUserIDLength || len(c.Kind) > 32 {
		return fmt.Errorf("passkey/gormstore: %w: ceremony id, user id or kind out of bounds", passkey.ErrInvalidInput)
	}
	row := challengeRow{ID: c.ID, UserID: c.UserID, Kind: c.Kind, Session: c.Session, ExpiresAt: column(c.ExpiresAt)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("passkey/gormstore: put ceremony: %w", err)
	}
	return nil
}

// Take implements passkey.ChallengeStore: a read, then a DELETE of the row
// whose count of rows says which of racing Takes removed it; only that
// one returns it.
func (s *Challenges) Take(ctx context.Context, id string, now time.Time) (passkey.Challenge, bool, error) {
	if err := ctx.Err(); err != nil {
		return passkey.Challenge{}, false, err
	}
	if !check.ChallengeID(id) {
		return passkey.Challenge{}, false, nil
	}
	var row challengeRow
	res := s.db.WithContext(ctx).Where("id = ?", id).Limit(1).Find(&row)
	if res.Error != nil {
		return passkey.Challenge{}, false, fmt.Errorf("passkey/gormstore: take ceremony: %w", res.Error)
	}
	if res.RowsAffected == 0 || row.ID != id {
		return passkey.Challenge{}, false, nil
	}
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Where("id = ?", id).Delete(&challengeRow{})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return passkey.Challenge{}, false, fmt.Errorf("passkey/gormstore: take ceremony: %w", err)
	}
	if n == 0 || !row.ExpiresAt.After(now) {
		return passkey.Challenge{}, false, nil
	}
	return passkey.Challenge{ID: row.ID, UserID: row.UserID, Kind: row.Kind, Session: row.Session, ExpiresAt: row.ExpiresAt.UTC()}, true, nil
}

// DeleteExpired implements passkey.ChallengeStore.
func (s *Challenges) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var n int64
	err := retry.OnDeadlock(ctx, func() error {
		res := s.db.WithContext(ctx).Where("expires_at <= ?", column(now)).Delete(&challengeRow{})
		n = res.RowsAffected
		return res.Error
	})
	if err != nil {
		return 0, fmt.Errorf("passkey/gormstore: delete expired: %w", err)
	}
	return n, nil
}
