package purpose

import (
	"fmt"
	"log/slog"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/gatehouse-go/gatehouse/authn"
)

// The built-in purposes. Any name matching ^[a-z][a-z0-9_]{0,31}$ may be
// used as well.
const (
	// EmailVerification proves that the holder reads the subject's mailbox.
	// Its tokens live 24 hours unless Config.TTL says otherwise.
	EmailVerification = "email_verification"
	// PasswordReset lets the holder choose a new password for the subject.
	// Its tokens live 30 minutes unless Config.TTL says otherwise; bind them
	// to the current password hash so that they die once it changes.
	PasswordReset = "password_reset"
)

// Limits on configuration and tokens.
const (
	// MinKeyLength is the shortest Config.Key accepted, in bytes: HS256
	// is only as strong as its key, and RFC 7518 §3.2 asks for a key at
	// least as long as the hash output.
	MinKeyLength = 32
	// MaxIssuerLength is the longest Config.Issuer accepted, in bytes.
	MaxIssuerLength = 512
	// MaxSubjectLength is the longest subject Issue accepts, in bytes. It is
	// the width of the subject column.
	MaxSubjectLength = 255
	// MaxTokenLength is the longest token Verify and Consume will parse, in
	// bytes. Issued tokens are far shorter; the bound stops a caller's
	// request from making the parser chew on megabytes.
	MaxTokenLength = 4096
	// Leeway is the clock skew tolerated when checking exp, nbf and iat.
	// A token is therefore accepted until Leeway after its expiry, and its
	// id is kept in the used set at least that long.
	Leeway = 30 * time.Second
)

// Default lifetimes, used when Config.TTL is zero.
const (
	// DefaultEmailVerificationTTL is the lifetime of EmailVerification
	// tokens: long enough for a message to be read the next day.
	DefaultEmailVerificationTTL = 24 * time.Hour
	// DefaultPasswordResetTTL is the lifetime of PasswordReset tokens: a
	// reset link grants an account, so it should not outlive the moment.
	DefaultPasswordResetTTL = 30 * time.Minute
	// DefaultTTL is the lifetime of tokens of any other purpose.
	DefaultTTL = time.Hour
)

// purposePattern is what a purpose name looks like. It keeps names usable
// inside the typ header and the purpose column without escaping.
var purposePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// Config configures a Tokens. Fields left zero take the documented defaults.
type Config struct {
	// Purpose names what the tokens are for, such as PasswordReset. It is
	// required and must match ^[a-z][a-z0-9_]{0,31}$. Tokens carry it in
	// their typ header and audience, and are refused by a Tokens of any
	// other purpose.
	Purpose string
	// Key is the HS256 secret that signs and verifies this purpose's tokens.
	// It is required, at least MinKeyLength random bytes; a shorter key is
	// refused with an error matching authn.ErrWeakSecret. Give each purpose
	// its own key, and never reuse the key of access tokens: anyone holding
	// the key can mint tokens. New keeps a copy.
	Key []byte
	// Issuer is the iss claim of issued tokens, and the only one Verify
	// accepts, such as "https://example.com". It is required, valid UTF-8
	// and at most MaxIssuerLength bytes.
	Issuer string
	// TTL is how long an issued token is valid. Zero means
	// DefaultEmailVerificationTTL for EmailVerification,
	// DefaultPasswordResetTTL for PasswordReset and DefaultTTL otherwise. It
	// must be at least one second, the precision of a JWT's exp claim.
	// Verify refuses a token whose exp is more than TTL after its iat, as
	// Issue never makes one: so a token issued before TTL was shortened
	// dies with the change.
	TTL time.Duration
	// Now returns the current time. Nil means time.Now; tests inject a clock
	// so that they never sleep.
	Now func() time.Time
	// Logger receives, at debug level, why Verify or Consume refused a
	// token: the reason and, for a token whose signature holds, its id;
	// never the token itself, its subject or its binding. Refused links
	// are common (clicked twice, expired in the inbox), hence debug.
	// Failures of the database or of the binding function are the
	// caller's to log. Default slog.Default().
	Logger *slog.Logger
}

// defaultTTL returns the lifetime of tokens of purpose p when Config.TTL is
// zero.
func defaultTTL(p string) time.Duration {
	switch p {
	case EmailVerification:
		return DefaultEmailVerificationTTL
	case PasswordReset:
		return DefaultPasswordResetTTL
	}
	return DefaultTTL
}

// validate checks cfg and returns it with defaults filled in.
func (cfg Config) validate() (Config, error) {
	if !purposePattern.MatchString(cfg.Purpose) {
		return Config{}, fmt.Errorf("%w: purpose %q must match %s", ErrInvalidConfig, cfg.Purpose, purposePattern)
	}
	if len(cfg.Key) < MinKeyLength {
		return Config{}, fmt.Errorf("%w: key is %d bytes, need at least %d: %w",
			ErrInvalidConfig, len(cfg.Key), MinKeyLength, authn.ErrWeakSecret)
	}
	if cfg.Issuer == "" {
		return Config{}, fmt.Errorf("%w: issuer is required", ErrInvalidConfig)
	}
	if len(cfg.Issuer) > MaxIssuerLength {
		return Config{}, fmt.Errorf("%w: issuer longer than %d bytes", ErrInvalidConfig, MaxIssuerLength)
	}
	// JSON would replace invalid bytes, and no token would ever carry the
	// issuer as configured.
	if !utf8.ValidString(cfg.Issuer) {
		return Config{}, fmt.Errorf("%w: issuer is not valid UTF-8", ErrInvalidConfig)
	}
	switch {
	case cfg.TTL == 0:
		cfg.TTL = defaultTTL(cfg.Purpose)
	case cfg.TTL < time.Second:
		return Config{}, fmt.Errorf("%w: TTL %v is shorter than one second", ErrInvalidConfig, cfg.TTL)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.Key = append([]byte(nil), cfg.Key...)
	return cfg, nil
}
