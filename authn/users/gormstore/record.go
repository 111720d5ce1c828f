package gormstore

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authn/users"
)

// record is a row of gatehouse_users: a users.Record with the column
// layout the table has always had.
type record struct {
	ID string `gorm:"primaryKey;size:36"`
	// Email is normalized before it is stored, so a plain unique index
	// makes emails unique case-insensitively on every database. An
	// account without one (users.Record's Email "") has NULL, which a
	// unique index lets any number of rows have.
	Email        *string `gorm:"size:254;uniqueIndex:idx_gatehouse_users_email"`
	Name         string  `gorm:"size:400;not null"`
	PasswordHash string  `gorm:"size:255;not null"`
	// Both times are the Directory's, never GORM's clock. Every time is kept
	// to the microsecond: without a declared precision MySQL keeps
	// milliseconds, and a User a write returns would differ from the one
	// read back.
	CreatedAt       time.Time  `gorm:"precision:6;not null;index:idx_gatehouse_users_created;autoCreateTime:false"`
	UpdatedAt       time.Time  `gorm:"precision:6;not null;autoUpdateTime:false"`
	EmailVerifiedAt *time.Time `gorm:"precision:6"`
	LockedAt        *time.Time `gorm:"precision:6"`
}

// TableName is the table users are kept in.
func (record) TableName() string { return "gatehouse_users" }

// fromRecord is rec as a row, its times in UTC to the microsecond: on
// SQLite times are compared as text, which must be in one zone.
func fromRecord(rec users.Record) record {
	return record{
		ID:              rec.ID,
		Email:           nullableText(rec.Email),
		Name:            rec.Name,
		PasswordHash:    rec.PasswordHash,
		CreatedAt:       column(rec.CreatedAt),
		UpdatedAt:       column(rec.UpdatedAt),
		EmailVerifiedAt: nullable(rec.EmailVerifiedAt),
		LockedAt:        nullable(rec.LockedAt),
	}
}

// toRecord is the row as a users.Record, its times in UTC whatever the
// database: PostgreSQL's driver reads times back in the local zone.
func (r record) toRecord() users.Record {
	return users.Record{
		User: users.User{
			ID:              r.ID,
			Email:           text(r.Email),
			Name:            r.Name,
			CreatedAt:       r.CreatedAt.UTC(),
			UpdatedAt:       r.UpdatedAt.UTC(),
			EmailVerifiedAt: nullable(r.EmailVerifiedAt),
			LockedAt:        nullable(r.LockedAt),
		},
		PasswordHash: r.PasswordHash,
	}
}

// column is t as stored: UTC, to the microsecond, the finest time every
// supported database keeps.
func column(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// nullable is column for a time that may be missing, as a new pointer.
func nullable(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := column(*t)
	return &c
}

// nullableText is s as a nullable column: NULL for "".
func nullableText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// text is a nullable column as a string: "" for NULL.
func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
