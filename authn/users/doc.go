// Package users keeps user accounts in a GORM database: registration, login
// with email and password, and the account changes around them (new
// password, lock, email verification, deletion).
//
// A Store owns one table, gatehouse_users, which it creates at New. Emails
// are stored normalized (NormalizeEmail: trimmed, folded by NFKC and
// lowercased, with invisible characters refused) under a unique index, so
// "Bob@Example.com", "bob@example.com" and the fullwidth
// "ｂｏｂ@example.com" are one account, even when two registrations race,
// and "bob\u200b@example.com" is none. Passwords are checked when they are
// set, against password.Rules (12 to 128 characters by default) and, if one
// is configured, a password.BreachChecker that refuses those known from data
// breaches. Only their hashes are stored, made by the configured
// password.Hasher (Argon2id by default, optionally peppered). User, the
// value the Store hands out, has no hash in it, so it can be logged or
// serialized safely.
//
// Authenticate answers a login. It gives one error, matching
// authn.ErrInvalidCredentials with the same message, for an unknown email, a
// malformed one and a wrong password, after the same hashing work, so that
// neither the answer nor its timing tells an attacker which emails have
// accounts. Only a caller who knows the right password learns that an
// account is locked (ErrLocked). Hashes made by an older hasher or weaker
// parameters are replaced at their owner's next successful login.
//
// Register answers ErrEmailTaken for an email that has an account, which
// tells whoever registers that the account exists. RegisterOrFind does the
// same work whether or not the email is taken and tells only its caller,
// for a sign-up that reveals nothing (account.Service.SignUp).
//
// The Store does not throttle logins (package throttle does), send email, or
// issue sessions or tokens; it returns the User for the caller to do so.
// Deleting a user does not revoke credentials kept by other packages.
package users
