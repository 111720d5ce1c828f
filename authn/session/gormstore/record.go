package gormstore

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authn/session"
)

// record is one row of gatehouse_sessions: a session.Record with the
// column layout the table has always had, and the methods column added
// since, which New adds to a table that lacks it.
type record struct {
	// ID is public: safe to log and to show the user in a list of their
	// sessions.
	ID string `gorm:"primaryKey;size:20"`
	// TokenHash is the hex SHA-256 of the cookie value.
	TokenHash  string    `gorm:"size:64;not null;uniqueIndex"`
	Subject    string    `gorm:"size:255;not null;index"`
	CreatedAt  time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
	LastSeenAt time.Time `gorm:"precision:6;not null"`
	// ExpiresAt is the absolute expiry, indexed for Cleanup.
	ExpiresAt time.Time `gorm:"precision:6;not null;index"`
	// Methods are the authentication methods of the session's login,
	// space-separated; "" on rows stored before they were recorded, which
	// New's migration gives the column's default. As wide as
	// session.MaxMethodsLength.
	Methods string `gorm:"size:135;not null;default:''"`
}

// TableName is the table sessions are kept in.
func (record) TableName() string { return "gatehouse_sessions" }

// fromRecord is rec as a row. Its times are in UTC: on SQLite times are
// compared as text, which must be in one zone.
func fromRecord(rec session.Record) record {
	return record{
		ID:         rec.ID,
		TokenHash:  rec.TokenHash,
		Subject:    rec.Subject,
		CreatedAt:  rec.CreatedAt.UTC(),
		LastSeenAt: rec.LastSeenAt.UTC(),
		ExpiresAt:  rec.ExpiresAt.UTC(),
		Methods:    rec.Methods,
	}
}

// toRecord is the row as a session.Record, its times in UTC whatever the
// database: PostgreSQL's driver reads times back in the local zone.
func (r record) toRecord() session.Record {
	return session.Record{
		ID:         r.ID,
		TokenHash:  r.TokenHash,
		Subject:    r.Subject,
		CreatedAt:  r.CreatedAt.UTC(),
		LastSeenAt: r.LastSeenAt.UTC(),
		ExpiresAt:  r.ExpiresAt.UTC(),
		Methods:    r.Methods,
	}
}

// bound is t as a bound of a query: UTC, and to the microsecond, the
// finest time every supported database keeps, rounded down, so that a
// stored time compares with it as it would with t.
func bound(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
