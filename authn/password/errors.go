package password

import (
	"errors"

	"github.com/gatehouse-go/gatehouse/internal/errkind"
)

// Errors returned by this package, matched with errors.Is. Returned errors
// wrap these sentinels and add what was wrong.
var (
	// ErrInvalidPassword reports a password that cannot be accepted. Every
	// error that rejects a password as such matches it: ErrTooShort,
	// ErrTooLong, ErrNotUTF8 and ErrTooLongForBcrypt.
	ErrInvalidPassword = errors.New("invalid password")
	// ErrTooShort reports a password with fewer characters than
	// Rules.MinLength.
	ErrTooShort error = errkind.New("password too short", ErrInvalidPassword)
	// ErrTooLong reports a password with more characters than
	// Rules.MaxLength, or more than four bytes per allowed character.
	ErrTooLong error = errkind.New("password too long", ErrInvalidPassword)
	// ErrNotUTF8 reports a password that is not valid UTF-8 text, whose
	// length in characters is therefore meaningless.
	ErrNotUTF8 error = errkind.New("password is not valid UTF-8", ErrInvalidPassword)
	// ErrTooLongForBcrypt reports a password longer than the 72 bytes bcrypt
	// reads. bcrypt would silently ignore the rest, so that every password
	// sharing the first 72 bytes would match; this package refuses instead.
	ErrTooLongForBcrypt error = errkind.New("password longer than bcrypt's 72 bytes", ErrInvalidPassword)

	// ErrMalformedHash reports an encoded hash that cannot be read: an
	// unknown algorithm, a damaged string, or parameters outside the bounds
	// this package accepts. No password matches it.
	ErrMalformedHash = errors.New("malformed password hash")
	// ErrInvalidParameters reports hasher parameters that are weaker than
	// the accepted minimum or beyond the accepted maximum.
	ErrInvalidParameters = errors.New("invalid hasher parameters")
	// ErrInvalidRules reports Rules that cannot be applied, such as a
	// minimum length below 8 or above the maximum.
	ErrInvalidRules = errors.New("invalid password rules")
)
