package totp

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/totp/internal/check"
)

// Manager enrols users in TOTP two-factor authentication and checks their
// codes. It is safe for concurrent use, and any number of Managers, in one
// process or many, may share a Store and a Config.Key.
type Manager struct {
	store  Store
	cfg    Config
	sealer sealer
}

// New returns a Manager keeping its records in store. It refuses a nil
// store, and a Config without Issuer or with a Key that is not KeySize
// bytes, with an error matching ErrConfig.
func New(store Store, cfg Config) (*Manager, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil Store", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s, err := newSealer(cfg.Key)
	if err != nil {
		return nil, err
	}
	return &Manager{store: store, cfg: cfg, sealer: s}, nil
}

// Enabled reports whether the user has an active secret, that is whether
// a login must be completed with Verify. An enrolment not yet confirmed
// does not count.
func (m *Manager) Enabled(ctx context.Context, userID string) (bool, error) {
	if err := checkUserID(userID); err != nil {
		return false, err
	}
	rec, found, err := m.store.Get(ctx, userID)
	if err != nil {
		return false, storeError("read", err)
	}
	return found && len(rec.Active) > 0, nil
}

// Disable turns two-factor authentication off for the user: it deletes the
// active secret and any pending one, so that logins need the first factor
// alone until the user enrols again. It returns an error matching
// ErrNotEnrolled when the user had neither.
//
// Disable checks nothing: turning the second factor off is what an
// attacker holding a password or a stolen session wants most. Before
// calling it, check that the login is recent
// (authn.Subject.RequireRecentLogin) and that the user has just given a
// current code (Verify), or that an administrator has verified who the
// user is, for a user who lost the device.
func (m *Manager) Disable(ctx context.Context, userID string) error {
	if err := checkUserID(userID); err != nil {
		return err
	}
	found, err := m.store.Delete(ctx, userID)
	if err != nil {
		return storeError("delete", err)
	}
	if !found {
		return fmt.Errorf("totp: disable: %w", ErrNotEnrolled)
	}
	return nil
}

// now returns the current time as stores keep it: UTC, to the microsecond.
func (m *Manager) now() time.Time {
	return m.cfg.Now().UTC().Truncate(time.Microsecond)
}

// checkUserID returns an error matching ErrInvalidUserID for an id no
// record can be kept under.
func checkUserID(id string) error {
	if !check.UserID(id) {
		return fmt.Errorf("%w: empty, over %d bytes, not UTF-8 or holding NUL", ErrInvalidUserID, MaxUserIDLength)
	}
	return nil
}
