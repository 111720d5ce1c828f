package refresh

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// tableName is where refresh tokens are kept.
const tableName = "gatehouse_refresh_tokens"

// record is one refresh token as stored: its hash, never its value.
type record struct {
	ID       string `gorm:"primaryKey;size:32"`
	FamilyID string `gorm:"size:32;not null;index"`
	Subject  string `gorm:"size:255;not null;index"`
	// TokenHash is the hex SHA-256 of the token. Unique, so that a lookup
	// finds one row or none.
	TokenHash       string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt       time.Time `gorm:"not null"`
	ExpiresAt       time.Time `gorm:"not null"`
	FamilyExpiresAt time.Time `gorm:"not null;index"`
	// UsedAt is when the token was rotated; a used token presented again is
	// reuse.
	UsedAt *time.Time
	// RevokedAt is set on every token of a revoked family at once.
	RevokedAt *time.Time
}

// TableName is the table records are kept in.
func (record) TableName() string { return tableName }

// token returns the public view of r, with value as its Value.
func (r record) token(value string) Token {
	return Token{Value: authn.Secret(value), FamilyID: r.FamilyID, Subject: r.Subject, ExpiresAt: r.ExpiresAt}
}
