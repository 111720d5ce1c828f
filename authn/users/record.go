package users

import "time"

// Record is an account as a Store keeps it: the User and the hash of its
// password. Only stores see Records; the Directory hands out Users, which
// hold no hash, so the hash does not reach the application by accident.
type Record struct {
	User
	// PasswordHash is the encoded hash of the password, as the Directory's
	// password.Hasher made it, salt and parameters included; "" for an
	// account without a password (see Directory.RegisterExternal), which
	// no password logs in to.
	PasswordHash string
}

// user is the User of r with every time in UTC, whatever location the
// store gave, and pointers of its own.
func (r Record) user() User {
	u := r.User
	u.CreatedAt = u.CreatedAt.UTC()
	u.UpdatedAt = u.UpdatedAt.UTC()
	u.EmailVerifiedAt = utcPtr(u.EmailVerifiedAt)
	u.LockedAt = utcPtr(u.LockedAt)
	return u
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
