package gormstore

import "time"

// tableName is the table codes are kept in.
const tableName = "gatehouse_recovery_codes"

// record is a row of gatehouse_recovery_codes: one code of one user. Its
// primary key, (user_id, digest), finds a code in one lookup and, by its
// first column, all of a user's. The digest is kept as 32 bytes
// (varbinary on MySQL, bytea on PostgreSQL, a blob on SQLite), compared
// byte for byte on every database with no collation in the way; user_id is
// text of the binary collation schema.Migrate gives it on MySQL.
type record struct {
	UserID string `gorm:"primaryKey;size:64"`
	Digest []byte `gorm:"primaryKey;size:32"`
	// UsedAt is when the code was used; NULL while it is unused, which
	// Consume's compare-and-set tests. Times are the caller's, never
	// GORM's clock, kept to the microsecond: without a declared precision
	// MySQL keeps whole seconds.
	UsedAt    *time.Time `gorm:"precision:6"`
	CreatedAt time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
}

// TableName is the table codes are kept in.
func (record) TableName() string { return tableName }
