package refresh

import (
	"fmt"
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
	CreatedAt       time.Time `gorm:"precision:6;not null"`
	ExpiresAt       time.Time `gorm:"precision:6;not null"`
	FamilyExpiresAt time.Time `gorm:"precision:6;not null;index"`
	// UsedAt is when the token was rotated; a used token presented again is
	// reuse.
	UsedAt *time.Time `gorm:"precision:6"`
	// RevokedAt is set on every token of a revoked family at once.
	RevokedAt *time.Time `gorm:"precision:6"`
	// LoginAt is when the family's login happened, copied to every token
	// of the family; nil on tokens stored before it was recorded.
	LoginAt *time.Time `gorm:"precision:6"`
}

// loginAt returns when the family of r logged in, in UTC, or the zero time.
func (r record) loginAt() time.Time {
	if r.LoginAt == nil {
		return time.Time{}
	}
	return r.LoginAt.UTC()
}

// TableName is the table records are kept in.
func (record) TableName() string { return tableName }

// expired returns why the token of r cannot be used at now because its
// own or its family's lifetime is over, or nil.
func (r record) expired(now time.Time) error {
	switch {
	case !now.Before(r.FamilyExpiresAt):
		return fmt.Errorf("refresh: family %s ended: %w", r.FamilyID, authn.ErrTokenExpired)
	case !now.Before(r.ExpiresAt):
		return fmt.Errorf("refresh: family %s: %w", r.FamilyID, authn.ErrTokenExpired)
	}
	return nil
}

// token returns the public view of r, with value as its Value.
func (r record) token(value string) Token {
	// A time read back from PostgreSQL is in the local zone; the Token says
	// UTC whatever the database.
	return Token{Value: authn.Secret(value), FamilyID: r.FamilyID, Subject: r.Subject, ExpiresAt: r.ExpiresAt.UTC(), LoginAt: r.loginAt()}
}
