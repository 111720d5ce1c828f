package token

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// revokedToken is one token revoked by id, kept until it would have expired.
type revokedToken struct {
	JTI       string    `gorm:"column:jti;primaryKey;size:255"`
	Subject   string    `gorm:"size:255;not null;index"`
	ExpiresAt time.Time `gorm:"not null;index"`
}

// TableName is the table revoked token ids are kept in.
func (revokedToken) TableName() string { return "gatehouse_revoked_tokens" }

// subjectRevocation is a subject's revocation generation: every token issued
// to the subject with a lower generation is revoked.
type subjectRevocation struct {
	Subject    string    `gorm:"primaryKey;size:255"`
	Generation int64     `gorm:"not null"`
	RevokedAt  time.Time `gorm:"not null"`
}

// TableName is the table subject revocations are kept in.
func (subjectRevocation) TableName() string { return "gatehouse_subject_revocations" }

// migrate creates the revocation tables if they are missing.
func migrate(ctx context.Context, db *gorm.DB) error {
	return schema.Migrate(ctx, db, &revokedToken{}, &subjectRevocation{})
}
