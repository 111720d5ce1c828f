package users

import (
	"log/slog"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

// Config configures a Directory. The zero value is ready to use.
type Config struct {
	// Hasher hashes new passwords. nil means Argon2id with
	// password.DefaultArgon2idParams. Changing it later is safe: hashes
	// made by any hasher of package password keep verifying, and each is
	// replaced by one of the new hasher at its owner's next login.
	//
	// To pepper the hashes (OWASP ASVS 2.4.5), give a hasher wrapped by
	// password.Peppered; with password.AcceptUnpeppered the hashes stored
	// before it keep verifying and are peppered at their owners' next
	// logins. Once hashes are peppered, every Directory on their Store must
	// be given the same pepper, for ever.
	Hasher password.Hasher
	// Rules bound the length of new passwords; the zero value allows 12 to
	// 128 characters. They are not applied at login, so tightening them
	// does not lock anyone out.
	Rules password.Rules
	// BreachChecker, when set, is asked about every new password, at
	// Register, SetPassword and CheckNewPassword, once it has passed the
	// Rules; a password it reports breached is refused with an error
	// matching password.ErrBreached (and password.ErrInvalidPassword).
	// nil means no check, which falls short of OWASP ASVS level 2 (2.1.7):
	// use password.PwnedPasswords, or a password.List where no outside
	// service may be asked. Passwords are not checked at login.
	//
	// A checker that fails refuses the password too (fail closed): its
	// error, such as password.ErrBreachCheckUnavailable, is returned
	// wrapped, matches no password error, and nothing is written. To fail
	// open instead, give a checker that logs such errors and returns
	// (false, nil).
	BreachChecker password.BreachChecker
	// Now returns the current time; nil means time.Now. Tests set it to
	// control timestamps. The Store is given the times it keeps and reads
	// no clock of its own.
	Now func() time.Time
	// Logger receives warnings the caller cannot act on at once, such as a
	// failure to store a rehashed password, naming users only by id. nil
	// discards them.
	Logger *slog.Logger
}
