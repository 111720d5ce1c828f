package totp

import (
	"context"
	"encoding/base32"
	"fmt"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
)

// Confirm finishes an enrolment: it checks code against the user's pending
// secret, at the steps within Config.Skew of now, and on success makes that
// secret the active one, replacing any active secret (a re-enrolment), and
// records the code's step so that the same code does not then pass Verify.
// A code that is malformed or wrong fails with an error matching
// ErrInvalidCode, as does one whose pending secret was replaced by another
// Enroll in the meantime; a user with no pending secret fails with
// ErrNotEnrolled. Nothing changes on failure.
//
// Confirming proves that the user's app holds the secret before logins
// depend on it; like Enroll, call it only for a user whose login is
// recent.
func (m *Manager) Confirm(ctx context.Context, userID, code string) error {
	if err := checkUserID(userID); err != nil {
		return err
	}
	code, err := parseCode(code)
	if err != nil {
		return err
	}
	rec, found, err := m.store.Get(ctx, userID)
	if err != nil {
		return storeError("read", err)
	}
	if !found || len(rec.Pending) == 0 {
		return fmt.Errorf("totp: confirm: %w: no enrolment to confirm", ErrNotEnrolled)
	}
	now := m.now()
	step, ok, err := m.match(userID, rec.Pending, code, now)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("totp: confirm: %w", ErrInvalidCode)
	}
	activated, err := m.store.Activate(ctx, userID, rec.Pending, now, step)
	if err != nil {
		return storeError("activate", err)
	}
	if !activated {
		return fmt.Errorf("totp: confirm: %w: the enrolment was started again or cancelled meanwhile", ErrInvalidCode)
	}
	return nil
}

// Verify checks a login's second factor: code against the user's active
// secret, at the steps within Config.Skew of now. It accepts a code only
// for a time step after the last one accepted for the account, and records
// it, in one compare-and-set in the store: a code is never accepted twice,
// not even by two processes racing with it, of which exactly one wins.
//
// It returns nil for a good code. A malformed code (not six ASCII digits
// once white space around it is trimmed) fails with an error matching
// ErrInvalidCode before the store is read; a wrong one with
// ErrInvalidCode; a right one used before with ErrCodeReused, which
// matches ErrInvalidCode; a user with no active secret with
// ErrNotEnrolled. All of these match authn.ErrInvalidCredentials. A
// failing store (ErrStore) and a secret that does not open
// (ErrCorruptSecret) match none of them; no code is accepted then either.
//
// Verify counts no failures, and six digits with three steps accepted
// leave a guesser one chance in 333,333 per try: put it behind a limit,
// such as throttle.Limiter.Reserve keyed by the user, before it is
// reachable by anyone who knows the password.
func (m *Manager) Verify(ctx context.Context, userID, code string) error {
	if err := checkUserID(userID); err != nil {
		return err
	}
	code, err := parseCode(code)
	if err != nil {
		return err
	}
	rec, found, err := m.store.Get(ctx, userID)
	if err != nil {
		return storeError("read", err)
	}
	if !found || len(rec.Active) == 0 {
		return fmt.Errorf("totp: verify: %w", ErrNotEnrolled)
	}
	step, ok, err := m.match(userID, rec.Active, code, m.now())
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("totp: verify: %w", ErrInvalidCode)
	}
	if step <= rec.LastStep {
		return fmt.Errorf("totp: verify: %w", ErrCodeReused)
	}
	accepted, err := m.store.UseStep(ctx, userID, rec.Active, step)
	if err != nil {
		return storeError("record the step used", err)
	}
	if !accepted {
		// Another use of this code, or a later one, got there first; or
		// the secret was replaced or disabled since it was read.
		return fmt.Errorf("totp: verify: %w", ErrCodeReused)
	}
	return nil
}

// parseCode returns code without the white space around it, or an error
// matching ErrInvalidCode when what is left is not Digits ASCII digits.
func parseCode(code string) (string, error) {
	code = strings.TrimSpace(code)
	if len(code) != Digits {
		return "", fmt.Errorf("%w: not %d digits", ErrInvalidCode, Digits)
	}
	for i := range len(code) {
		if code[i] < '0' || code[i] > '9' {
			return "", fmt.Errorf("%w: not %d digits", ErrInvalidCode, Digits)
		}
	}
	return code, nil
}

// validateOpts are the parameters of every code: those apps compute.
var validateOpts = hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// match opens sealed, for userID, and reports whether code is its code at
// a time step within Config.Skew of now, and which. When the code is that
// of several steps (one chance in a million per pair), it is taken for the
// latest, so that it cannot pass twice. Every step of the window is
// computed, matched or not, so that the time taken says nothing of which
// matched.
func (m *Manager) match(userID string, sealed []byte, code string, now time.Time) (step int64, ok bool, err error) {
	secret, err := m.sealer.open(userID, sealed)
	if err != nil {
		return 0, false, err
	}
	encoded := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(secret)
	clear(secret)
	current := stepAt(now)
	skew := int64(m.cfg.Skew)
	for s := current - skew; s <= current+skew; s++ {
		if s < 0 {
			continue // before 1970: no app has a code for it
		}
		good, err := hotp.ValidateCustom(code, uint64(s), encoded, validateOpts)
		if err != nil {
			return 0, false, fmt.Errorf("%w: %w", ErrCorruptSecret, err)
		}
		if good {
			step, ok = s, true
		}
	}
	return step, ok, nil
}

// stepAt is the time step t falls in: Unix time divided by Period, rounded
// down, as RFC 6238 counts.
func stepAt(t time.Time) int64 {
	sec, period := t.Unix(), int64(Period/time.Second)
	step := sec / period
	if sec%period < 0 {
		step--
	}
	return step
}
