// Package password hashes passwords for storage and checks them against
// rules; it stores nothing itself (package users does).
//
// A Hasher turns a password into a self-describing encoded string and
// verifies a password against one. Two are provided: Argon2id, the default,
// with OWASP's recommended parameters (DefaultArgon2idParams), and bcrypt,
// for systems that already use it. Every encoded string names its algorithm
// and parameters, so Verify — and the Verify method of either hasher — reads
// any hash this package has produced: switching hashers, or raising their
// parameters, keeps old hashes working, and NeedsRehash says when a stored
// hash should be replaced at the user's next successful login.
//
// Rules bounds the length of new passwords. The maximum exists because a
// password is hashed on every login: without one, a client could send
// megabytes per attempt and make the server pay for it.
//
// Errors are sentinels matched with errors.Is. Verify reports a wrong
// password as (false, nil), never as an error; an error means the stored hash
// could not be read (ErrMalformedHash) or the password cannot be hashed by the
// algorithm at all (ErrTooLongForBcrypt).
package password
