package gormstore

import (
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/passkey"
)

// Tables the stores keep their rows in.
const (
	credentialTable = "gatehouse_passkeys"
	userTable       = "gatehouse_passkey_users"
	challengeTable  = "gatehouse_passkey_challenges"
)

// credentialRow is a row of gatehouse_passkeys. Column sizes are the
// passkey package's limits in bytes, which the store checks first.
type credentialRow struct {
	ID              []byte `gorm:"primaryKey;size:1023"`
	UserID          string `gorm:"size:255;not null;index"`
	PublicKey       []byte `gorm:"not null"`
	AttestationType string `gorm:"size:64;not null"`
	AAGUID          []byte `gorm:"column:aaguid;size:16"`
	SignCount       int64  `gorm:"not null"`
	Transports      string `gorm:"size:255;not null"` // comma-separated
	BackupEligible  bool   `gorm:"not null"`
	BackupState     bool   `gorm:"not null"`
	Name            string `gorm:"size:100;not null"`
	// Times are Passkeys', never GORM's clock, to the microsecond.
	CreatedAt  time.Time  `gorm:"precision:6;not null;autoCreateTime:false"`
	LastUsedAt *time.Time `gorm:"precision:6"`
}

// TableName is the table credentials are kept in.
func (credentialRow) TableName() string { return credentialTable }

func fromCredential(c passkey.Credential) credentialRow {
	r := credentialRow{
		ID: c.ID, UserID: c.UserID, PublicKey: c.PublicKey, AttestationType: c.AttestationType,
		AAGUID: c.AAGUID, SignCount: int64(c.SignCount), Transports: strings.Join(c.Transports, ","),
		BackupEligible: c.BackupEligible, BackupState: c.BackupState, Name: c.Name, CreatedAt: column(c.CreatedAt),
	}
	if !c.LastUsedAt.IsZero() {
		t := column(c.LastUsedAt)
		r.LastUsedAt = &t
	}
	return r
}

func (r credentialRow) toCredential() passkey.Credential {
	c := passkey.Credential{
		ID: r.ID, UserID: r.UserID, PublicKey: r.PublicKey, AttestationType: r.AttestationType,
		AAGUID: nilIfEmpty(r.AAGUID), SignCount: uint32(r.SignCount),
		BackupEligible: r.BackupEligible, BackupState: r.BackupState, Name: r.Name, CreatedAt: r.CreatedAt.UTC(),
	}
	if r.Transports != "" {
		c.Transports = strings.Split(r.Transports, ",")
	}
	if r.LastUsedAt != nil {
		c.LastUsedAt = r.LastUsedAt.UTC()
	}
	return c
}

// userRow is a row of gatehouse_passkey_users: a user's handle.
type userRow struct {
	UserID string `gorm:"primaryKey;size:255"`
	Handle []byte `gorm:"size:64;not null;uniqueIndex"`
}

// TableName is the table user handles are kept in.
func (userRow) TableName() string { return userTable }

// challengeRow is a row of gatehouse_passkey_challenges.
type challengeRow struct {
	ID        string    `gorm:"primaryKey;size:64"`
	UserID    string    `gorm:"size:255;not null"`
	Kind      string    `gorm:"size:32;not null"`
	Session   []byte    `gorm:"not null"`
	ExpiresAt time.Time `gorm:"precision:6;not null;index"`
}

// TableName is the table ceremonies are kept in.
func (challengeRow) TableName() string { return challengeTable }

// nilIfEmpty is b, or nil for NULL or empty.
func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// column is t as a column value: UTC, to the microsecond.
func column(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
