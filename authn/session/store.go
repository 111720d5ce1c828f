package session

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// record is one session as stored. It holds the hash of the cookie value,
// never the value itself.
type record struct {
	// ID is public: safe to log and to show the user in a list of their
	// sessions.
	ID string `gorm:"primaryKey;size:20"`
	// TokenHash is the hex SHA-256 of the cookie value. A plain hash is
	// enough because the value is 32 random bytes: there is nothing to
	// guess, so a slow password hash would add only cost.
	TokenHash  string    `gorm:"size:64;not null;uniqueIndex"`
	Subject    string    `gorm:"size:255;not null;index"`
	CreatedAt  time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
	LastSeenAt time.Time `gorm:"precision:6;not null"`
	// ExpiresAt is the absolute expiry, indexed for Cleanup.
	ExpiresAt time.Time `gorm:"precision:6;not null;index"`
}

// expiry is when the session dies unless it is used again: the earlier of
// its absolute expiry and the moment it would have been idle for
// idleTimeout. It is in UTC whatever the database: PostgreSQL's driver reads
// times back in the local zone.
func (r record) expiry(idleTimeout time.Duration) time.Time {
	expires := r.ExpiresAt
	if idle := r.LastSeenAt.Add(idleTimeout); idle.Before(expires) {
		expires = idle
	}
	return expires.UTC()
}

// TableName is the table sessions are kept in.
func (record) TableName() string { return "gatehouse_sessions" }

// maxSubjectLen is the width of the subject column.
const maxSubjectLen = 255

// checkSubject returns an error matching ErrInvalidSubject for a subject
// that cannot be stored: empty, or wider than the column.
func checkSubject(subject string) error {
	if subject == "" || len(subject) > maxSubjectLen {
		return fmt.Errorf("%w: length %d, want 1 to %d bytes", ErrInvalidSubject, len(subject), maxSubjectLen)
	}
	return nil
}

// migrate creates the session table and its indexes if they are missing.
func migrate(ctx context.Context, db *gorm.DB) error {
	return schema.Migrate(ctx, db, &record{})
}

// stamp is t as stored: UTC, truncated to the second so that every database
// keeps it exactly and compares it as it was written. Truncation only ever
// makes a session end earlier, never later.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }
