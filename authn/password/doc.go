// To store passwords so that a stolen database does not give them away, and
// to refuse weak or breached new ones, hash them with a Hasher (NewArgon2id,
// the default), check a login with Verify, and check a new password with
// Rules and a BreachChecker. Package users does all of this for its
// accounts, so most applications only choose the parts in users.Config.
// Package password hashes passwords and checks new ones; it stores nothing
// itself.
//
// A Hasher turns a password into a self-describing encoded string and
// verifies a password against one. Two are provided: Argon2id, the default,
// with OWASP's recommended parameters (DefaultArgon2idParams), and bcrypt,
// for systems that already use it. Every encoded string names its algorithm
// and parameters, so Verify — and the Verify method of either hasher — reads
// any hash either has produced: switching hashers, or raising their
// parameters, keeps old hashes working, and NeedsRehash says when a stored
// hash should be replaced at the user's next successful login.
//
// Peppered wraps a hasher so that it hashes an HMAC of the password keyed
// by a secret pepper kept outside the database: a stolen password table
// alone then allows no guessing at all (OWASP ASVS 4.0.3, 2.4.5). Its hashes
// are verified by it alone.
//
// New passwords are checked twice. Rules bound their length, 12 to 128
// characters by default (ASVS 2.1.1); the maximum exists because a password
// is hashed on every login: without one, a client could send megabytes per
// attempt and make the server pay for it. A BreachChecker tells whether a
// password has appeared in a data breach, however long it is (ASVS 2.1.7):
// PwnedPasswords asks the Have I Been Pwned service without revealing the
// password (k-anonymity), and List compares with a list the application
// holds.
//
// Errors are sentinels matched with errors.Is. Verify reports a wrong
// password as (false, nil), never as an error; an error means the stored hash
// could not be read (ErrMalformedHash) or the password cannot be hashed by the
// algorithm at all (ErrTooLongForBcrypt). Every rejection of a new password,
// breached ones included (ErrBreached), matches ErrInvalidPassword; a
// BreachChecker that cannot answer returns ErrBreachCheckUnavailable, which
// does not.
package password
