package users

import "time"

// User is an account as the application sees it. It holds no password hash,
// so it is safe to log, cache or encode as JSON.
type User struct {
	// ID identifies the user: "usr_" followed by 32 lowercase hex digits
	// from crypto/rand. Use it as the authn.Subject's ID.
	ID string
	// Email is the normalized email address (see NormalizeEmail), unique
	// among users.
	Email string
	// Name is the display name, trimmed of surrounding spaces and composed
	// (Unicode NFC).
	Name string
	// CreatedAt is when the user registered, in UTC.
	CreatedAt time.Time
	// UpdatedAt is when the account last changed: its password, lock or
	// email verification. Rehashing a password at login does not count.
	UpdatedAt time.Time
	// EmailVerifiedAt is when the email was first verified; nil until then.
	EmailVerifiedAt *time.Time
	// LockedAt is when the account was locked; nil while it is not. A
	// locked account cannot log in.
	LockedAt *time.Time
}

// Verified reports whether the user's email has been verified.
func (u User) Verified() bool { return u.EmailVerifiedAt != nil }

// Locked reports whether the account is locked.
func (u User) Locked() bool { return u.LockedAt != nil }

// userRecord is a row of gatehouse_users. It stays unexported so that the
// password hash never leaves the package.
type userRecord struct {
	ID string `gorm:"primaryKey;size:36"`
	// Email is normalized before it is stored, so a plain unique index
	// makes emails unique case-insensitively on every database.
	Email        string `gorm:"size:254;not null;uniqueIndex:idx_gatehouse_users_email"`
	Name         string `gorm:"size:400;not null"`
	PasswordHash string `gorm:"size:255;not null"`
	// The Store sets both times from its clock, not GORM's, so that tests
	// and callers with an injected clock see consistent values. Every time
	// is kept to the microsecond: without a declared precision MySQL keeps
	// milliseconds, and a User a write returns would differ from the one
	// read back.
	CreatedAt       time.Time  `gorm:"precision:6;not null;index:idx_gatehouse_users_created;autoCreateTime:false"`
	UpdatedAt       time.Time  `gorm:"precision:6;not null;autoUpdateTime:false"`
	EmailVerifiedAt *time.Time `gorm:"precision:6"`
	LockedAt        *time.Time `gorm:"precision:6"`
}

// TableName is the table users are kept in.
func (userRecord) TableName() string { return "gatehouse_users" }

func (r userRecord) user() User {
	return User{
		ID:              r.ID,
		Email:           r.Email,
		Name:            r.Name,
		CreatedAt:       r.CreatedAt.UTC(),
		UpdatedAt:       r.UpdatedAt.UTC(),
		EmailVerifiedAt: utcPtr(r.EmailVerifiedAt),
		LockedAt:        utcPtr(r.LockedAt),
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
