package refresh

import (
	"fmt"
	"log/slog"
	"time"
)

// Defaults applied to zero fields of Config.
const (
	// DefaultTokenTTL is the lifetime of one refresh token.
	DefaultTokenTTL = 14 * 24 * time.Hour
	// DefaultFamilyLifetime is the absolute lifetime of a family.
	DefaultFamilyLifetime = 90 * 24 * time.Hour
)

// Config configures Tokens. Its zero value is ready to use.
type Config struct {
	// TokenTTL is how long one refresh token stays usable if it is not
	// rotated: a client idle for longer must log in again. Zero means
	// DefaultTokenTTL (14 days). A token never outlives its family, so a
	// TokenTTL longer than FamilyLifetime is cut down to it.
	TokenTTL time.Duration
	// FamilyLifetime is how long a family may live, counted from the login
	// that started it; no rotation extends it. It bounds how long a stolen
	// token that is rotated diligently can keep a thief logged in. Zero
	// means DefaultFamilyLifetime (90 days).
	FamilyLifetime time.Duration
	// Now returns the current time. Nil means time.Now; tests give a fake
	// clock to move time without sleeping.
	Now func() time.Time
	// Logger receives a warning whenever reuse is detected and a family is
	// revoked for it, with the subject and family id only — never a token
	// or its hash. Nil discards it.
	Logger *slog.Logger
}

// withDefaults checks c and fills in its zero fields.
func (c Config) withDefaults() (Config, error) {
	if c.TokenTTL < 0 {
		return c, fmt.Errorf("%w: negative TokenTTL %v", ErrInvalidConfig, c.TokenTTL)
	}
	if c.FamilyLifetime < 0 {
		return c, fmt.Errorf("%w: negative FamilyLifetime %v", ErrInvalidConfig, c.FamilyLifetime)
	}
	if c.TokenTTL == 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.FamilyLifetime == 0 {
		c.FamilyLifetime = DefaultFamilyLifetime
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c, nil
}
