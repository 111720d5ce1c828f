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
func (s *Store) CheckPassword(newPassword string) error {
	if err := s.rules.Check(newPassword); err != nil {
		return err
	}
	if a, ok := s.hasher.(password.Accepter); ok {
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
func (s *Store) CheckNewPassword(ctx context.Context, newPassword string) error {
	if err := s.CheckPassword(newPassword); err != nil {
		return err
	}
	return s.checkBreached(ctx, newPassword)
}

// checkBreached asks the BreachChecker, if any, about pw.
func (s *Store) checkBreached(ctx context.Context, pw string) error {
	if s.breaches == nil {
		return nil
	}
	breached, err := s.breaches.Breached(ctx, pw)
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
func (s *Store) SetPassword(ctx context.Context, id, newPassword string) error {
	if err := s.CheckNewPassword(ctx, newPassword); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(newPassword)
	if err != nil {
		return fmt.Errorf("users: set password %q: %w", id, err)
	}
	return s.update(ctx, "set password", id, "", map[string]any{
		"password_hash": hash,
		"updated_at":    s.timestamp(),
	})
}

// SetLocked locks or unlocks the account. A locked account cannot log in;
// locking one already locked keeps the original LockedAt. An unknown id is
// ErrNotFound. Locking does not end sessions or revoke tokens already
// issued; callers should do that too.
func (s *Store) SetLocked(ctx context.Context, id string, locked bool) error {
	now := s.timestamp()
	if locked {
		return s.update(ctx, "lock", id, "locked_at IS NULL", map[string]any{"locked_at": now, "updated_at": now})
	}
	return s.update(ctx, "unlock", id, "locked_at IS NOT NULL", map[string]any{"locked_at": nil, "updated_at": now})
}

// MarkEmailVerified records that the user has proven they receive mail at
// their address. Marking it again keeps the first EmailVerifiedAt. An
// unknown id is ErrNotFound.
func (s *Store) MarkEmailVerified(ctx context.Context, id string) error {
	now := s.timestamp()
	return s.update(ctx, "mark email verified", id, "email_verified_at IS NULL",
		map[string]any{"email_verified_at": now, "updated_at": now})
}

// Delete removes the user, freeing their email for a new registration. An
// unknown id is ErrNotFound. Credentials other packages keep for the user
// (sessions, API keys, refresh tokens) are not touched; revoke them too.
func (s *Store) Delete(ctx context.Context, id string) error {
	res := s.db.WithContext(ctx).Where("id = ?", id).Delete(&userRecord{})
	if res.Error != nil {
		return fmt.Errorf("users: delete %q: %w", id, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("users: delete %q: %w", id, ErrNotFound)
	}
	return nil
}

// PasswordFingerprint returns a value that changes whenever the user's
// stored password hash does: the hex SHA-256 of the hash. Bind a password
// reset token to it and the token dies once the password changes, whether
// by that reset, another, or a rehash at login. The fingerprint cannot be
// used to test guesses at the password: the salt they would need is inside
// the hash, not in the fingerprint. An unknown id is ErrNotFound.
func (s *Store) PasswordFingerprint(ctx context.Context, id string) (string, error) {
	rec, err := s.find(ctx, "id = ?", id)
	if err != nil {
		return "", fmt.Errorf("users: password fingerprint %q: %w", id, err)
	}
	sum := sha256.Sum256([]byte(rec.PasswordHash))
	return hex.EncodeToString(sum[:]), nil
}

// update applies values to the user with the given id. unlessDone, when
// not "", is a condition that no longer holds once the change is in place
// (such as "locked_at IS NULL" for locking), so that repeating a change
// keeps its first timestamp. A change already in place is not an error; an
// id that matches no row is ErrNotFound. Telling the two apart by reading
// the row, rather than by rows affected alone, keeps the answer right on
// databases that count only rows actually changed.
func (s *Store) update(ctx context.Context, op, id, unlessDone string, values map[string]any) error {
	q := s.db.WithContext(ctx).Model(&userRecord{}).Where("id = ?", id)
	if unlessDone != "" {
		q = q.Where(unlessDone)
	}
	res := q.Updates(values)
	if res.Error != nil {
		return fmt.Errorf("users: %s %q: %w", op, id, res.Error)
	}
	if res.RowsAffected > 0 {
		return nil
	}
	if _, err := s.find(ctx, "id = ?", id); err != nil {
		return fmt.Errorf("users: %s %q: %w", op, id, err)
	}
	return nil
}
