package recovery

import (
	"context"
	"fmt"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/recovery/internal/storecheck"
)

// Codes issues and checks the recovery codes of users. It is safe for
// concurrent use, and any number of Codes, in one process or many, may
// share a Store.
type Codes struct {
	store Store
	count int
	now   func() time.Time
}

// New returns Codes on store. It refuses a nil store, and a Config whose
// Count is outside MinCount to MaxCount, with an error matching ErrConfig.
func New(store Store, cfg Config) (*Codes, error) {
	if store == nil {
		return nil, fmt.Errorf("%w: nil Store", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	return &Codes{store: store, count: cfg.Count, now: cfg.Now}, nil
}

// Generate draws Config.Count new codes for the user, each shown as
// "xxxxx-xxxxx", and returns them: the one time they can be read, to be
// shown to the user to write down. The store keeps only their digests,
// and the user's earlier codes, used or not, stop working in the same
// atomic step.
//
// Generating codes hands out ways past the second factor: call it only for
// a user who has just proved both factors (see authn.Subject's
// RequireRecentLogin), as when the second factor is set up. It refuses a
// user id no user can have with ErrInvalidUserID, and reports a failing
// store with ErrStore, after which the earlier codes may still work.
func (c *Codes) Generate(ctx context.Context, userID string) ([]authn.Secret, error) {
	if problem := storecheck.UserID(userID); problem != "" {
		return nil, fmt.Errorf("recovery: generate: %w: %s", ErrInvalidUserID, problem)
	}
	codes, digests := c.draw(userID)
	if err := c.store.Replace(ctx, userID, digests, c.at()); err != nil {
		return nil, fmt.Errorf("recovery: generate: %w: %w", ErrStore, err)
	}
	return codes, nil
}

// GenerateIfNone is Generate for a user who has no unused code, in one
// atomic step with that check (Store.ReplaceIfNone): it returns nil, and
// changes nothing, for a user who has one. It is what a flow that gives
// codes to whoever has none calls — adding a first factor — so that two
// such flows racing for one user hand out one set, and never a set that
// the other's replaced.
func (c *Codes) GenerateIfNone(ctx context.Context, userID string) ([]authn.Secret, error) {
	if problem := storecheck.UserID(userID); problem != "" {
		return nil, fmt.Errorf("recovery: generate: %w: %s", ErrInvalidUserID, problem)
	}
	codes, digests := c.draw(userID)
	replaced, err := c.store.ReplaceIfNone(ctx, userID, digests, c.at())
	if err != nil {
		return nil, fmt.Errorf("recovery: generate: %w: %w", ErrStore, err)
	}
	if !replaced {
		return nil, nil
	}
	return codes, nil
}

// draw returns a new set of codes and their digests for userID.
func (c *Codes) draw(userID string) ([]authn.Secret, [][32]byte) {
	codes := make([]authn.Secret, 0, c.count)
	digests := make([][32]byte, 0, c.count)
	seen := make(map[string]struct{}, c.count)
	for len(codes) < c.count {
		code := newCode()
		if _, repeated := seen[code]; repeated {
			continue // one chance in 10^13: draw again rather than hand out one code twice
		}
		seen[code] = struct{}{}
		codes = append(codes, authn.Secret(display(code)))
		digests = append(digests, digest(userID, code))
	}
	return codes, digests
}

// Use accepts one of the user's codes, once: it marks the code used, so
// that it never works again. It stands in for the second factor of a
// login whose user lost the device, after the password was checked.
// Throttle it as a password: reserve an attempt with
// throttle.Limiter.Reserve first and end it with the outcome, so that
// codes cannot be guessed at the speed of the store.
//
// The code may be typed in either case, with or without its dash, with
// spaces around or inside. Everything Use refuses — input that cannot be
// a code (refused without asking the store), a code the user does not
// have, or one used before — is ErrInvalidCode, which matches
// authn.ErrInvalidCredentials. Of two Uses of one code racing, on any
// processes sharing the store, exactly one succeeds. A failing store is
// ErrStore, which is no verdict: the login is refused all the same.
func (c *Codes) Use(ctx context.Context, userID, code string) error {
	if problem := storecheck.UserID(userID); problem != "" {
		return fmt.Errorf("recovery: use: %w: %w: %s", ErrInvalidCode, ErrInvalidUserID, problem)
	}
	normal, ok := normalize(code)
	if !ok {
		return fmt.Errorf("recovery: use: %w: malformed", ErrInvalidCode)
	}
	consumed, err := c.store.Consume(ctx, userID, digest(userID, normal), c.at())
	if err != nil {
		return fmt.Errorf("recovery: use: %w: %w", ErrStore, err)
	}
	if !consumed {
		return fmt.Errorf("recovery: use: %w: unknown or used", ErrInvalidCode)
	}
	return nil
}

// Remaining returns how many of the user's codes are unused: 0 for a user
// who never generated any, or used them all. An application shows it, and
// asks the user to generate new codes when few are left.
func (c *Codes) Remaining(ctx context.Context, userID string) (int, error) {
	if problem := storecheck.UserID(userID); problem != "" {
		return 0, fmt.Errorf("recovery: remaining: %w: %s", ErrInvalidUserID, problem)
	}
	n, err := c.store.Remaining(ctx, userID)
	if err != nil {
		return 0, fmt.Errorf("recovery: remaining: %w: %w", ErrStore, err)
	}
	return n, nil
}

// Delete removes every code of the user, used or not: when the second
// factor is turned off, and when the account is deleted. A user without
// codes is not an error.
func (c *Codes) Delete(ctx context.Context, userID string) error {
	if problem := storecheck.UserID(userID); problem != "" {
		return fmt.Errorf("recovery: delete: %w: %s", ErrInvalidUserID, problem)
	}
	if _, err := c.store.DeleteUser(ctx, userID); err != nil {
		return fmt.Errorf("recovery: delete: %w: %w", ErrStore, err)
	}
	return nil
}

// at is the clock's time as stores are given it: in UTC, to the
// microsecond.
func (c *Codes) at() time.Time { return storecheck.Time(c.now()) }
