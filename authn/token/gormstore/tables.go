package gormstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/internal/schema"
	"github.com/gatehouse-go/gatehouse/watch"
)

// revokedToken is one token revoked by id, kept until it would have expired.
type revokedToken struct {
	JTI       string    `gorm:"column:jti;primaryKey;size:255"`
	Subject   string    `gorm:"size:255;not null;index"`
	ExpiresAt time.Time `gorm:"precision:6;not null;index"`
}

// TableName is the table revoked token ids are kept in.
func (revokedToken) TableName() string { return "gatehouse_revoked_tokens" }

// revokedFamily is one refresh family whose access tokens are revoked,
// kept until the last of them would have expired.
type revokedFamily struct {
	FamilyID  string    `gorm:"column:family_id;primaryKey;size:255"`
	Subject   string    `gorm:"size:255;not null;index"`
	ExpiresAt time.Time `gorm:"precision:6;not null;index"`
}

// TableName is the table revoked families are kept in.
func (revokedFamily) TableName() string { return "gatehouse_revoked_families" }

// subjectRevocation is a subject's revocation generation: every token issued
// to the subject with a lower generation is revoked.
type subjectRevocation struct {
	Subject    string    `gorm:"primaryKey;size:255"`
	Generation int64     `gorm:"not null"`
	RevokedAt  time.Time `gorm:"precision:6;not null"`
}

// TableName is the table subject revocations are kept in.
func (subjectRevocation) TableName() string { return "gatehouse_subject_revocations" }

// revocationState is the one row that names the revocation store and
// counts its revocations. StoreID, drawn at random when the row is made,
// tells this store's messages from those of another store publishing on
// the same channel. Revision is raised by one in the transaction of every
// revocation, by any process, so a replica knows how far its memory has
// come: a peer's next revocation is revision + 1, a gap means a message
// was missed, and one cheap read of this row tells whether memory is
// behind the store.
type revocationState struct {
	ID      int    `gorm:"primaryKey;autoIncrement:false"`
	StoreID string `gorm:"size:32;not null"`
	// SealKey seals the revocations' messages (watch.Seal), so that only
	// processes reading it here can announce one.
	SealKey  string `gorm:"size:64;not null;default:''"`
	Revision int64  `gorm:"not null"`
}

// TableName is the table the revocation state row is kept in.
func (revocationState) TableName() string { return "gatehouse_revocation_state" }

// stateRow is the id of the one revocationState row.
const stateRow = 1

// migrate creates the revocation tables if they are missing, and the state
// row.
func migrate(ctx context.Context, db *gorm.DB) error {
	if err := schema.Migrate(ctx, db, &revokedToken{}, &revokedFamily{}, &subjectRevocation{}, &revocationState{}); err != nil {
		return err
	}
	_, err := ensureState(ctx, db)
	return err
}

// ensureState creates the state row if it is missing and returns it. Of
// several processes creating it at once, one inserts it and the others
// find it.
func ensureState(ctx context.Context, db *gorm.DB) (revocationState, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return revocationState{}, fmt.Errorf("store id: %w", err)
	}
	key, err := watch.NewKey()
	if err != nil {
		return revocationState{}, err
	}
	row := revocationState{ID: stateRow, StoreID: hex.EncodeToString(b), SealKey: key}
	if err := db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return revocationState{}, fmt.Errorf("create revocation state: %w", err)
	}
	// A row from before sealing has no key: the first process to see it
	// sets one.
	if err := db.WithContext(ctx).Model(&revocationState{}).Where("id = ? AND seal_key = ?", stateRow, "").
		Update("seal_key", key).Error; err != nil {
		return revocationState{}, fmt.Errorf("set the revocation sealing key: %w", err)
	}
	state, found, err := readState(db.WithContext(ctx))
	if err != nil {
		return revocationState{}, err
	}
	if !found {
		return revocationState{}, errors.New("revocation state not found after creating it")
	}
	if err := watch.CheckKey([]byte(state.SealKey)); err != nil {
		return revocationState{}, fmt.Errorf("revocation sealing key: %w", err)
	}
	return state, nil
}

// readState reads the state row; found is false when it is missing.
func readState(db *gorm.DB) (state revocationState, found bool, err error) {
	res := db.Where("id = ?", stateRow).Limit(1).Find(&state)
	if res.Error != nil {
		return revocationState{}, false, fmt.Errorf("read revocation state: %w", res.Error)
	}
	return state, res.RowsAffected == 1, nil
}

// bumpRevision raises the store's revision within tx and returns the new
// one. Called last in a revocation's transaction, so that the row every
// revocation writes is held for as short a time as possible.
func bumpRevision(tx *gorm.DB) (int64, error) {
	res := tx.Model(&revocationState{}).Where("id = ?", stateRow).
		Update("revision", gorm.Expr("revision + 1"))
	if res.Error != nil {
		return 0, fmt.Errorf("raise revocation revision: %w", res.Error)
	}
	state, found, err := readState(tx)
	if err != nil {
		return 0, err
	}
	if res.RowsAffected != 1 || !found {
		return 0, errors.New("revocation state row is missing")
	}
	return state.Revision, nil
}
