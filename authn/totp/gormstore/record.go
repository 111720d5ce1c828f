package gormstore

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authn/totp"
)

// tableName is the table records are kept in.
const tableName = "gatehouse_totp"

// record is a row of gatehouse_totp. Column sizes are the totp package's
// limits in bytes, which the store checks first: databases that count
// characters never see a longer value. Sealed secrets are binary columns
// (varbinary on MySQL, bytea on PostgreSQL, blob on SQLite), compared byte
// for byte.
type record struct {
	UserID   string `gorm:"primaryKey;size:255"`
	Pending  []byte `gorm:"size:255"`
	Active   []byte `gorm:"size:255"`
	LastStep int64  `gorm:"not null"`
	// Times are the Manager's, never GORM's clock, kept to the
	// microsecond: without a declared precision MySQL keeps whole
	// seconds.
	ActivatedAt *time.Time `gorm:"precision:6"`
	UpdatedAt   time.Time  `gorm:"precision:6;not null;autoUpdateTime:false"`
}

// TableName is the table records are kept in.
func (record) TableName() string { return tableName }

// toRecord is the row as a totp.Record, its times in UTC whatever the
// database: PostgreSQL's driver reads times back in the local zone.
func (r record) toRecord() totp.Record {
	rec := totp.Record{
		UserID:    r.UserID,
		Pending:   nilIfEmpty(r.Pending),
		Active:    nilIfEmpty(r.Active),
		LastStep:  r.LastStep,
		UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.ActivatedAt != nil {
		rec.ActivatedAt = r.ActivatedAt.UTC()
	}
	return rec
}

// nilIfEmpty is b, or nil for NULL, which drivers read as nil or as an
// empty slice; a store keeps no empty secret.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// column is t as a column value: UTC, to the microsecond, truncated as
// drivers send times. On SQLite times are kept as text, which must be in
// one zone.
func column(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
