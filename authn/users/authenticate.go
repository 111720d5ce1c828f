package users

import (
	"context"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
)

// errLoginFailed is the one error for an unknown email, a malformed email
// and a wrong password: the same value, so not even its text tells them
// apart.
var errLoginFailed = fmt.Errorf("users: authenticate: %w", authn.ErrInvalidCredentials)

// maxLoginPassword is the longest password Authenticate hashes, in bytes:
// four bytes for each of the most characters any password.Rules accept
// (password.LimitMaxLength), so no password set through a Directory is
// longer.
const maxLoginPassword = 4 * password.LimitMaxLength

// Authenticate returns the user whose email and password these are.
//
// It fails with one error, matching authn.ErrInvalidCredentials and with
// the same message, whether the email is malformed, has no account, or the
// password is wrong; in each case it first verifies the password against a
// hash, a dummy one when there is no account, so the time taken does not
// tell the cases apart either. A locked account given its right password
// fails with an error matching ErrLocked as well as
// authn.ErrInvalidCredentials; given a wrong one, it fails as any account
// would, so only someone who knows the password learns of the lock. A
// failure of the Store matches ErrStore, and neither of those. The account
// is looked up with one call to the Store.
//
// An account without a password (see RegisterExternal) fails like one
// given a wrong password, after the same work.
//
// A password longer than any Rules accept (4 KiB) fails like a wrong one,
// after the same work, but is not itself hashed: a client sending
// megabytes would otherwise make each attempt cost the server dearly.
//
// After a successful login, a hash the Hasher says needs rehashing (another
// algorithm, weaker parameters) is replaced by a new one. If storing it
// fails the login still succeeds; the failure is logged and the next login
// tries again. A new hash is stored only over the one the login verified,
// so a password changed meanwhile stays changed.
//
// Authenticate does not limit attempts; put package throttle in front of it.
func (d *Directory) Authenticate(ctx context.Context, email, pw string) (User, error) {
	encoded := d.dummyHash
	var rec Record
	found := false
	if normalized, err := NormalizeEmail(email); err == nil {
		rec, found, err = d.store.GetByEmail(ctx, normalized)
		if err != nil {
			return User{}, storeError("authenticate", err)
		}
		if found && rec.PasswordHash != "" {
			encoded = rec.PasswordHash
		}
	}
	tooLong := len(pw) > maxLoginPassword
	if tooLong {
		pw = "" // verified in its place, for the same work
	}
	// An error here is a hash that cannot be read or a password the
	// algorithm cannot take; either way no password matched.
	ok, err := d.hasher.Verify(encoded, pw)
	// An account without a password was verified against the dummy hash,
	// for the same work, and no password logs in to it.
	if !found || rec.PasswordHash == "" || tooLong || err != nil || !ok {
		return User{}, errLoginFailed
	}
	if rec.LockedAt != nil {
		return User{}, fmt.Errorf("users: authenticate: %w", ErrLocked)
	}
	if d.hasher.NeedsRehash(rec.PasswordHash) {
		d.rehash(ctx, rec, pw)
	}
	return rec.user(), nil
}

// rehash stores a new hash of pw for rec, unless the password has changed
// since rec was read: a concurrent SetPassword must win over a login that
// verified the old password.
func (d *Directory) rehash(ctx context.Context, rec Record, pw string) {
	hash, err := d.hasher.Hash(pw)
	if err != nil {
		d.logger.WarnContext(ctx, "users: rehash password", "user_id", rec.ID, "error", err)
		return
	}
	if _, err := d.store.ReplacePasswordHash(ctx, rec.ID, rec.PasswordHash, hash); err != nil {
		d.logger.WarnContext(ctx, "users: store rehashed password", "user_id", rec.ID, "error", err)
	}
}
