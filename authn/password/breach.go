package password

import "context"

// BreachChecker tells whether a password is known to attackers because it
// has appeared in a data breach, as OWASP ASVS 4.0.3 requirement 2.1.7 and
// NIST SP 800-63B ask of every new password. Attackers try such passwords
// first, whatever their length.
//
// Breached reports (true, nil) for a known password and (false, nil) for
// one not known. An error means no answer could be had; it says nothing
// about the password, and the caller decides whether to refuse the password
// (fail closed) or accept it unchecked (fail open). Implementations must be
// safe for concurrent use, must honour ctx when they do I/O, and must never
// log or send the password, nor repeat it in errors.
//
// Two are provided: PwnedPasswords asks the Have I Been Pwned service, and
// List compares against a list the application holds. Consult a checker
// when a password is chosen, not at login.
type BreachChecker interface {
	Breached(ctx context.Context, password string) (bool, error)
}
