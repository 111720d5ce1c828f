package password

import (
	"fmt"
	"unicode/utf8"
)

// Length bounds of Rules, in characters (Unicode code points).
const (
	// DefaultMinLength is the minimum length when Rules.MinLength is 0:
	// OWASP ASVS 4.0.3 requirement 2.1.1 (level 2) asks for at least 12.
	DefaultMinLength = 12
	// LimitMinLength is the lowest MinLength Rules accepts: NIST SP
	// 800-63B's floor for passwords chosen by their users. A minimum
	// between 8 and 11 is legal but falls short of ASVS level 2.
	LimitMinLength = 8
	// DefaultMaxLength is the maximum length when Rules.MaxLength is 0.
	// It leaves room for long passphrases (NIST SP 800-63B asks for at
	// least 64) while bounding the work one login can demand.
	DefaultMaxLength = 128
	// LimitMaxLength is the highest MaxLength Rules accepts.
	LimitMaxLength = 1024
)

// Rules decides which new passwords are acceptable. The zero value applies
// the defaults: 12 to 128 characters.
//
// Rules only bound length, as NIST SP 800-63B recommends: composition rules
// ("a digit and a symbol") push users toward predictable passwords, and
// every character is allowed, spaces and emoji included. Whether a password
// is known to attackers is a BreachChecker's question, not the Rules'. Check does not
// normalize Unicode, so a password must be typed in the same composed or
// decomposed form at every login; most keyboards and browsers produce the
// same form each time.
//
// The maximum exists because every login hashes the password it is given:
// with no upper bound a client could send megabytes per attempt and make
// the server pay for hashing them, a cheap denial of service. For the same
// reason Check refuses a password of more than 4×MaxLength bytes before
// looking at its characters.
type Rules struct {
	// MinLength is the fewest characters a password may have. 0 means
	// DefaultMinLength (12); values below LimitMinLength (8) are refused
	// by Validate, since shorter passwords fall quickly to guessing.
	MinLength int
	// MaxLength is the most characters a password may have. 0 means
	// DefaultMaxLength (128), or MinLength when that is higher; it must be
	// at least MinLength and at most LimitMaxLength (1024).
	MaxLength int
}

// Validate reports whether r can be applied, with an error matching
// ErrInvalidRules when it cannot. Constructors that take Rules call it so
// that a mistake shows at startup, not at the first registration.
func (r Rules) Validate() error {
	_, _, err := r.bounds()
	return err
}

// bounds returns the effective minimum and maximum lengths.
func (r Rules) bounds() (minLen, maxLen int, err error) {
	minLen, maxLen = r.MinLength, r.MaxLength
	if minLen == 0 {
		minLen = DefaultMinLength
	}
	if maxLen == 0 {
		maxLen = max(DefaultMaxLength, minLen)
	}
	switch {
	case minLen < LimitMinLength:
		return 0, 0, fmt.Errorf("password: %w: MinLength %d is below %d", ErrInvalidRules, r.MinLength, LimitMinLength)
	case maxLen > LimitMaxLength:
		return 0, 0, fmt.Errorf("password: %w: MaxLength %d is above %d", ErrInvalidRules, r.MaxLength, LimitMaxLength)
	case maxLen < minLen:
		return 0, 0, fmt.Errorf("password: %w: MaxLength %d is below MinLength %d", ErrInvalidRules, maxLen, minLen)
	}
	return minLen, maxLen, nil
}

// Check reports whether password is acceptable as a new password. Its
// errors match ErrInvalidPassword and, more precisely, ErrTooShort,
// ErrTooLong or ErrNotUTF8; they say what is wrong but never repeat the
// password. If r itself is invalid, Check fails closed with an error
// matching ErrInvalidRules.
//
// Apply Check when a password is chosen, not at login: a user whose
// password predates a change of rules must still be able to sign in.
func (r Rules) Check(password string) error {
	minLen, maxLen, err := r.bounds()
	if err != nil {
		return err
	}
	if len(password) > 4*maxLen {
		return fmt.Errorf("password: %w: %d bytes, at most %d", ErrTooLong, len(password), 4*maxLen)
	}
	if !utf8.ValidString(password) {
		return fmt.Errorf("password: %w", ErrNotUTF8)
	}
	n := utf8.RuneCountInString(password)
	switch {
	case n < minLen:
		return fmt.Errorf("password: %w: %d characters, at least %d", ErrTooShort, n, minLen)
	case n > maxLen:
		return fmt.Errorf("password: %w: %d characters, at most %d", ErrTooLong, n, maxLen)
	}
	return nil
}
