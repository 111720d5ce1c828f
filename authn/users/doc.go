// To register users and check their email and password, build a Directory
// with New over a Store and call Directory.Register and
// Directory.Authenticate; account.Service wraps them in throttled login,
// sign-up and password-reset flows. Package users keeps user accounts:
// registration, login with email and password, and the account changes
// around them (new password, lock, email verification, deletion).
//
// A Directory is the service; the Store given to New keeps the accounts.
// users/gormstore keeps them in a SQL database (SQLite, PostgreSQL,
// MySQL/MariaDB), in the table gatehouse_users, and users/memstore in the
// memory of one process, for tests and single-process applications; this
// package itself links no database:
//
//	store, err := gormstore.New(ctx, db) // creates gatehouse_users if missing
//	if err != nil {
//		return err
//	}
//	directory, err := users.New(store, users.Config{})
//
// To keep accounts elsewhere, implement Store: ten small methods whose
// documentation is the contract (found or not found, emails unique among
// racing registrations on every handle, one atomic step per change, copies
// of what is kept, no clock of its own). Then run users/storetest against
// it in its tests, as gormstore and memstore do:
//
//	func TestConformance(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) storetest.Open {
//			backend := newEmptyBackend(t)
//			return func(t *testing.T) users.Store { return mystore.New(backend.Connect(t)) }
//		})
//	}
//
// Emails are stored normalized (NormalizeEmail: trimmed, folded by NFKC and
// lowercased, with invisible characters refused), and the Store keeps them
// unique, so "Bob@Example.com", "bob@example.com" and the fullwidth
// "ｂｏｂ@example.com" are one account, even when two registrations race,
// and "bob\u200b@example.com" is none. Passwords are checked when they are
// set, against password.Rules (12 to 128 characters by default) and, if one
// is configured, a password.BreachChecker that refuses those known from data
// breaches. Only their hashes are stored, made by the configured
// password.Hasher (Argon2id by default, optionally peppered). User, the
// value the Directory hands out, has no hash in it, so it can be logged or
// serialized safely; only a Store sees the hash, in a Record.
//
// Authenticate answers a login. It gives one error, matching
// authn.ErrInvalidCredentials with the same message, for an unknown email, a
// malformed one and a wrong password, after the same hashing work, so that
// neither the answer nor its timing tells an attacker which emails have
// accounts. Only a caller who knows the right password learns that an
// account is locked (ErrLocked). Hashes made by an older hasher or weaker
// parameters are replaced at their owner's next successful login. A failure
// of the Store is ErrStore, never a verdict on the credentials.
//
// Register answers ErrEmailTaken for an email that has an account, which
// tells whoever registers that the account exists. RegisterOrFind does the
// same work whether or not the email is taken and tells only its caller,
// for a sign-up that reveals nothing (account.Service.SignUp).
//
// The Directory does not throttle logins (package throttle does), send
// email, or issue sessions or tokens; it returns the User for the caller to
// do so. Deleting a user does not revoke credentials kept by other packages.
package users
