package users

import "time"

// User is an account as the application sees it. It holds no password hash,
// so it is safe to log, cache or encode as JSON.
type User struct {
	// ID identifies the user: "usr_" followed by 32 lowercase hex digits
	// from crypto/rand. Use it as the authn.Subject's ID.
	ID string
	// Email is the normalized email address (see NormalizeEmail), unique
	// among users; "" for an account created from an external identity
	// whose provider gave no verified email (see
	// Directory.RegisterExternal).
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
