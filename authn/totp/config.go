package totp

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Parameters of the codes, those every authenticator app computes (RFC
// 6238 with the defaults of Google's key URI format): HMAC-SHA-1 of a
// 160-bit secret, six digits, a new code every thirty seconds.
const (
	// Period is how long one code lasts: one time step.
	Period = 30 * time.Second
	// Digits is the length of a code.
	Digits = 6
	// SecretSize is the size of a secret, in bytes: 160 bits, as RFC 4226
	// recommends.
	SecretSize = 20
)

// Limits of Config and of the arguments of Manager's methods.
const (
	// KeySize is the size of Config.Key: an AES-256 key.
	KeySize = 32
	// DefaultSkew is Config.Skew when it is zero.
	DefaultSkew = 1
	// MaxSkew is the largest Config.Skew New accepts.
	MaxSkew = 2
	// MaxIssuerLength bounds Config.Issuer, in bytes.
	MaxIssuerLength = 100
	// MaxAccountNameLength bounds Enroll's accountName, in bytes.
	MaxAccountNameLength = 255
)

// Config configures a Manager. Issuer and Key are required.
type Config struct {
	// Issuer names the application in authenticator apps, beside the
	// account name: "Example" shows as "Example (alice@example.com)". It
	// must be UTF-8, at most MaxIssuerLength bytes, without a colon or a
	// control character, and without "&" or "+", which the key URI would
	// carry unescaped in its issuer parameter, where apps read them as a
	// new parameter and a space. Required. Changing it later does not change the
	// apps' entries of users enrolled before.
	Issuer string

	// Key seals every secret before it reaches the Store, with
	// AES-256-GCM: exactly KeySize (32) random bytes. Required. A copy of
	// the database without the key then yields no secret, and a sealed
	// secret names the user it belongs to, so that one moved to another
	// user's record cannot be opened. Keep it out of the database, as a
	// signing key is kept (a secret manager, an environment variable);
	// lose it, and every user must enrol again. New copies it.
	Key []byte

	// Now returns the current time; nil means time.Now. It decides which
	// codes are current; tests set it to a fake clock.
	Now func() time.Time

	// Skew is how many time steps (of Period) either side of now a code
	// is accepted for; zero means DefaultSkew (1), so that a code is good
	// for about a minute and a half and a phone's clock may be half a
	// minute off. At most MaxSkew (2): each step more gives a guesser one
	// more right answer in a million per try, on each side. There is no
	// setting for zero skew: a code typed in its last second would fail.
	Skew uint
}

// withDefaults returns c with its zero fields filled in and Key copied, or
// an error matching ErrConfig when a field cannot be used.
func (c Config) withDefaults() (Config, error) {
	if err := checkLabel(c.Issuer, MaxIssuerLength); err != nil {
		return Config{}, fmt.Errorf("%w: issuer %w", ErrConfig, err)
	}
	if strings.ContainsAny(c.Issuer, "&+") {
		return Config{}, fmt.Errorf("%w: issuer holds & or +, which the key URI would not escape", ErrConfig)
	}
	if len(c.Key) != KeySize {
		return Config{}, fmt.Errorf("%w: key is %d bytes, not %d", ErrConfig, len(c.Key), KeySize)
	}
	c.Key = append([]byte(nil), c.Key...)
	if c.Now == nil {
		c.Now = time.Now
	}
	switch {
	case c.Skew == 0:
		c.Skew = DefaultSkew
	case c.Skew > MaxSkew:
		return Config{}, fmt.Errorf("%w: skew %d is over %d", ErrConfig, c.Skew, MaxSkew)
	}
	return c, nil
}

// checkLabel checks an issuer or account name for an authenticator app's
// label, "issuer:account". The error does not quote the value.
func checkLabel(s string, limit int) error {
	switch {
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("is empty")
	case len(s) > limit:
		return fmt.Errorf("is %d bytes, over %d", len(s), limit)
	case !utf8.ValidString(s):
		return fmt.Errorf("is not UTF-8")
	case strings.ContainsRune(s, ':'):
		return fmt.Errorf("holds a colon, which separates issuer and account in an app's label")
	case strings.ContainsFunc(s, unicode.IsControl):
		return fmt.Errorf("holds a control character")
	}
	return nil
}
