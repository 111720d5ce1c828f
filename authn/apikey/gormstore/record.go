package gormstore

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
)

// keyRow is one row of gatehouse_api_keys: an apikey.Record with the
// column layout the table has always had. Hash is the only trace of the
// secret.
type keyRow struct {
	ID         string     `gorm:"primaryKey;size:20"`
	Prefix     string     `gorm:"size:8;not null;uniqueIndex"`
	Hash       string     `gorm:"size:64;not null"`
	OwnerID    string     `gorm:"size:255;not null;index"`
	Name       string     `gorm:"size:100;not null"`
	CreatedAt  time.Time  `gorm:"precision:6;autoCreateTime:false"`
	ExpiresAt  *time.Time `gorm:"precision:6"`
	RevokedAt  *time.Time `gorm:"precision:6"`
	LastUsedAt *time.Time `gorm:"precision:6"`
}

// TableName is the table keys are stored in.
func (keyRow) TableName() string { return "gatehouse_api_keys" }

// Column widths: a value wider is refused before it reaches a database,
// which would truncate it (MySQL without strict mode) or refuse it in its
// own words.
const (
	idWidth     = 20
	prefixWidth = 8
	hashWidth   = 64
	ownerWidth  = 255
	nameWidth   = 100 // characters
)

// fromRecord is rec as a row, its times in UTC: on SQLite times are
// compared as text, which must be in one zone.
func fromRecord(rec apikey.Record) keyRow {
	return keyRow{
		ID:         rec.ID,
		Prefix:     rec.Prefix,
		Hash:       rec.Hash,
		OwnerID:    rec.OwnerID,
		Name:       rec.Name,
		CreatedAt:  rec.CreatedAt.UTC(),
		ExpiresAt:  nullable(rec.ExpiresAt),
		RevokedAt:  nullable(rec.RevokedAt),
		LastUsedAt: nullable(rec.LastUsedAt),
	}
}

// toRecord is the row as an apikey.Record, its times in UTC whatever the
// database: PostgreSQL's driver reads times back in the local zone.
func (r keyRow) toRecord() apikey.Record {
	return apikey.Record{
		ID:         r.ID,
		Prefix:     r.Prefix,
		Hash:       r.Hash,
		OwnerID:    r.OwnerID,
		Name:       r.Name,
		CreatedAt:  r.CreatedAt.UTC(),
		ExpiresAt:  orZero(r.ExpiresAt),
		RevokedAt:  orZero(r.RevokedAt),
		LastUsedAt: orZero(r.LastUsedAt),
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

// bound is t as a bound of a query: UTC, to the microsecond, the finest
// time every supported database keeps, rounded down, so that a stored
// time compares with it as it would with t.
func bound(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
