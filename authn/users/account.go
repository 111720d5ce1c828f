package users

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

// CheckPassword reports, without hashing, storing or asking anyone,
// whether newPassword passes the Rules and any limit of the hasher
// (bcrypt's 72 bytes). Errors match password.ErrInvalidPassword.
//
// It does not consult the BreachChecker, which may need a request to a
// remote service, bounded by a context CheckPassword does not take, so
// SetPassword may still refuse a password it accepts. Prefer
// CheckNewPassword, which makes every check SetPassword makes.
func (d *Directory) CheckPassword(newPassword string) error {
	if err := d.rules.Check(newPassword); err != nil {
		return err
	}
	if a, ok := d.hasher.(password.Accepter); ok {
		return a.Accept(newPassword)
	}
	return nil
}

// CheckNewPassword reports, without hashing or storing anything, whether
// SetPassword would accept newPassword: the checks of CheckPassword, then
// the BreachChecker, if any. Use it before spending something single-use,
// such as a reset token, on a password change.
//
// A refused password is an error matching password.ErrInvalidPassword,
// and password.ErrBreached when the BreachChecker knows it. A failure of
// the BreachChecker is returned wrapped, and matches neither.
func (d *Directory) CheckNewPassword(ctx context.Context, newPassword string) error {
	if err := d.CheckPassword(newPassword); err != nil {
		return err
	}
	return d.checkBreached(ctx, newPassword)
}

// checkBreached asks the BreachChecker, if any, about pw.
func (d *Directory) checkBreached(ctx context.Context, pw string) error {
	if d.breaches == nil {
		return nil
	}
	breached, err := d.breaches.Breached(ctx, pw)
	switch {
	case err != nil:
		return fmt.Errorf("users: breached-password check: %w", err)
	case breached:
		return fmt.Errorf("users: %w", password.ErrBreached)
	}
	return nil
}

// SetPassword replaces the user's password after making the checks of
// CheckNewPassword, whose errors it returns; a refused password, or a
// failed BreachChecker, changes nothing. An unknown id is ErrNotFound.
// Sessions and tokens issued before the change are not revoked here;
// callers should revoke them, and reset tokens bound to
// PasswordFingerprint stop working by themselves.
func (d *Directory) SetPassword(ctx context.Context, id, newPassword string) error {
	if err := d.CheckNewPassword(ctx, newPassword); err != nil {
		return err
	}
	hash, err := d.hasher.Hash(newPassword)
	if err != nil {
		return fmt.Errorf("users: set password %q: %w", id, err)
	}
	found, err := d.store.SetPasswordHash(ctx, id, hash, d.timestamp())
	return changed("set password", id, found, err)
}

// SetLocked locks or unlocks the account. A locked account cannot log in;
// locking one already locked keeps the original LockedAt. An unknown id is
// ErrNotFound. Locking does not end sessions or revoke tokens already
// issued; callers should do that too.
func (d *Directory) SetLocked(ctx context.Context, id string, locked bool) error {
	op := "unlock"
	if locked {
		op = "lock"
	}
	found, err := d.store.SetLocked(ctx, id, locked, d.timestamp())
	return changed(op, id, found, err)
}

// MarkEmailVerified records that the user has proven they receive mail at
// their address. Marking it again keeps the first EmailVerifiedAt. An
// unknown id is ErrNotFound.
func (d *Directory) MarkEmailVerified(ctx context.Context, id string) error {
	found, err := d.store.MarkEmailVerified(ctx, id, d.timestamp())
	return changed("mark email verified", id, found, err)
}

// Delete removes the user, freeing their email for a new registration. An
// unknown id is ErrNotFound. Credentials other packages keep for the user
// (sessions, API keys, refresh tokens) are not touched; revoke them too.
func (d *Directory) Delete(ctx context.Context, id string) error {
	found, err := d.store.Delete(ctx, id)
	return changed("delete", id, found, err)
}

// PasswordFingerprint returns a value that changes whenever the user's
// stored password hash does: the hex SHA-256 of the hash. Bind a password
// reset token to it and the token dies once the password changes, whether
// by that reset, another, or a rehash at login. The fingerprint cannot be
// used to test guesses at the password: the salt they would need is inside
// the hash, not in the fingerprint. An unknown id is ErrNotFound.
func (d *Directory) PasswordFingerprint(ctx context.Context, id string) (string, error) {
	rec, err := d.get(ctx, "password fingerprint", id)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(rec.PasswordHash))
	return hex.EncodeToString(sum[:]), nil
}

// changed is the error of a change op to the account id, after the Store
// answered found and err.
func changed(op, id string, found bool, err error) error {
	switch {
	case err != nil:
		return storeError(fmt.Sprintf("%s %q", op, id), err)
	case !found:
		return fmt.Errorf("users: %s %q: %w", op, id, ErrNotFound)
	}
	return nil
}
