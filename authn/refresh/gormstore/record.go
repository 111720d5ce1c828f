package gormstore

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
)

// tableName is where refresh tokens are kept.
const tableName = "gatehouse_refresh_tokens"

// record is one row of gatehouse_refresh_tokens: a refresh.Record with the
// column layout and indexes the table has always had.
type record struct {
	ID       string `gorm:"primaryKey;size:32"`
	FamilyID string `gorm:"size:32;not null;index"`
	Subject  string `gorm:"size:255;not null;index"`
	// TokenHash is the hex SHA-256 of the token. Unique, so that a lookup
	// finds one row or none.
	TokenHash       string    `gorm:"size:64;not null;uniqueIndex"`
	CreatedAt       time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
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
	// Methods are the family's login's authentication methods, copied
	// to every token of the family; "" on tokens stored before they were
	// recorded.
	Methods string `gorm:"size:135;not null;default:''"`
}

// TableName is the table records are kept in.
func (record) TableName() string { return tableName }

// Column widths: a value wider is refused before it reaches a database,
// which would truncate it (MySQL without strict mode) or refuse it in its
// own words.
const (
	idWidth      = 32
	subjectWidth = 255
	hashWidth    = 64
	methodsWidth = refresh.MaxMethodsLength
)

// fits reports whether rec's strings fit their columns.
func fits(rec refresh.Record) bool {
	return len(rec.ID) <= idWidth && len(rec.FamilyID) <= idWidth &&
		len(rec.Subject) <= subjectWidth && len(rec.TokenHash) <= hashWidth && len(rec.Methods) <= methodsWidth
}

// fromRecord is rec as a row, its times in UTC: on SQLite times are
// compared as text, which must be in one zone.
func fromRecord(rec refresh.Record) record {
	return record{
		ID:              rec.ID,
		FamilyID:        rec.FamilyID,
		Subject:         rec.Subject,
		TokenHash:       rec.TokenHash,
		CreatedAt:       rec.CreatedAt.UTC(),
		ExpiresAt:       rec.ExpiresAt.UTC(),
		FamilyExpiresAt: rec.FamilyExpiresAt.UTC(),
		UsedAt:          nullable(rec.UsedAt),
		RevokedAt:       nullable(rec.RevokedAt),
		LoginAt:         nullable(rec.LoginAt),
		Methods:         rec.Methods,
	}
}

// toRecord is the row as a refresh.Record, its times in UTC whatever the
// database: PostgreSQL's driver reads times back in the local zone.
func (r record) toRecord() refresh.Record {
	return refresh.Record{
		ID:              r.ID,
		FamilyID:        r.FamilyID,
		Subject:         r.Subject,
		TokenHash:       r.TokenHash,
		CreatedAt:       r.CreatedAt.UTC(),
		ExpiresAt:       r.ExpiresAt.UTC(),
		FamilyExpiresAt: r.FamilyExpiresAt.UTC(),
		UsedAt:          orZero(r.UsedAt),
		RevokedAt:       orZero(r.RevokedAt),
		LoginAt:         orZero(r.LoginAt),
		Methods:         r.Methods,
	}
}

// nullable is t as a column value in UTC: NULL for the zero time.
func nullable(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// orZero is a nullable column's time in UTC, or the zero time for NULL.
func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// bound is t as a value of a query: UTC, to the microsecond, the finest
// time every supported database keeps, rounded down, so that a stored
// time compares with it as it would with t.
func bound(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
