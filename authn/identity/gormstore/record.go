package gormstore

import (
	"time"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/internal/linkcheck"
)

// tableName is the table links are kept in.
const tableName = "gatehouse_identities"

// record is a row of gatehouse_identities. Its primary key, (issuer,
// subject), is the unique index that links an identity once, whichever
// process races to link it; user_id is indexed for ByUser and DeleteUser.
// Column sizes are the identity package's limits in bytes, which Create
// checks first: databases that count characters never see a longer value.
type record struct {
	Issuer  string `gorm:"primaryKey;size:255"`
	Subject string `gorm:"primaryKey;size:255"`
	UserID  string `gorm:"size:64;not null;index"`
	// CreatedAt is the caller's time, never GORM's clock, kept to the
	// microsecond: without a declared precision MySQL keeps whole seconds.
	CreatedAt time.Time `gorm:"precision:6;not null;autoCreateTime:false"`
}

// TableName is the table links are kept in.
func (record) TableName() string { return tableName }

// fromLink is l as a row, its time in UTC to the microsecond: on SQLite
// times are kept as text, which must be in one zone.
func fromLink(l identity.Link) record {
	return record{Issuer: l.Issuer, Subject: l.Subject, UserID: l.UserID, CreatedAt: linkcheck.Time(l.CreatedAt)}
}

// toLink is the row as a Link, its time in UTC whatever the database:
// PostgreSQL's driver reads times back in the local zone.
func (r record) toLink() identity.Link {
	return identity.Link{Issuer: r.Issuer, Subject: r.Subject, UserID: r.UserID, CreatedAt: r.CreatedAt.UTC()}
}
