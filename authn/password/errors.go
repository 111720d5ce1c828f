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
	// ErrTooLong, ErrNotUTF8, ErrTooLongForBcrypt and ErrBreached.
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
	// ErrBreached reports a password that a BreachChecker found among
	// passwords known to attackers, who try those first.
	ErrBreached error = errkind.New("password appears in a data breach", ErrInvalidPassword)

	// ErrBreachCheckUnavailable reports that a BreachChecker could not
	// answer: the service was unreachable, too slow, or answered with
	// something other than a list of hash suffixes. It says nothing about
	// the password, so it does not match ErrInvalidPassword; whether to
	// refuse the password (fail closed) or accept it unchecked (fail open)
	// is the caller's decision.
	ErrBreachCheckUnavailable = errors.New("breached-password check unavailable")
	// ErrInvalidBreachConfig reports a PwnedPasswordsConfig that cannot be
	// used.
	ErrInvalidBreachConfig = errors.New("invalid breached-password checker configuration")

	// ErrMalformedHash reports an encoded hash that cannot be read: an
	// unknown algorithm, a damaged string, parameters outside the bounds
	// this package accepts, or a peppered hash read without its pepper (or
	// an unpeppered one by a Peppered hasher that does not accept them). No
	// password matches it.
	ErrMalformedHash = errors.New("malformed password hash")
	// ErrInvalidParameters reports hasher parameters that are weaker than
	// the accepted minimum or beyond the accepted maximum, including a
	// pepper shorter than MinPepperLength (which matches
	// authn.ErrWeakSecret too).
	ErrInvalidParameters = errors.New("invalid hasher parameters")
	// ErrInvalidRules reports Rules that cannot be applied, such as a
	// minimum length below 8 or above the maximum.
	ErrInvalidRules = errors.New("invalid password rules")
)
