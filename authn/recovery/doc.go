// Package recovery issues single-use recovery codes: the way back into an
// account protected by a second factor when its device is lost (OWASP
// ASVS V2.5.6, V2.6; the lookup secrets of Ory Kratos).
//
// Generate draws a set of codes for a user — ten by default, each ten
// characters such as "k7pqm-3xw9d" — and returns them once, as
// authn.Secrets, for the user to write down; the store keeps only their
// SHA-256 digests, so a copy of the database hands no one a way in.
// Generating again replaces the whole set in one step: every earlier code,
// used or not, stops working. Use accepts a code once, marking it used;
// Remaining counts the codes left, so that the application can ask for a
// new set before they run out; Delete removes them all, when the second
// factor is turned off or the account deleted.
//
//	store, err := gormstore.New(ctx, db) // or memstore.New()
//	if err != nil {
//		return err
//	}
//	codes, err := recovery.New(store, recovery.Config{})
//
//	// Setting up the second factor, with a recent login:
//	list, err := codes.Generate(ctx, userID) // show list[i].Reveal() once
//
//	// Logging in, after the password, without the device:
//	err = codes.Use(ctx, userID, typed)
//	if errors.Is(err, recovery.ErrInvalidCode) { // matches authn.ErrInvalidCredentials
//		// refuse the login
//	}
//
// Codes are drawn from crypto/rand over an alphabet without look-alike
// characters, and accepted in either case, with or without the dash and
// with spaces. Input that cannot be a code is refused without asking the
// store. A code is found by the user id and its digest, never compared in
// plain text, so the time a lookup takes says nothing about the code; the
// digest covers the user id, so that a guess against a stolen table tests
// one user's codes, not everyone's. Of two logins racing with one code,
// on any number of processes, exactly one gets in: the store marks a code
// used with a compare-and-set.
//
// Codes live in a Store, a small interface whose documentation is its
// contract; each implementation is a package of its own, so that this
// package links no database:
//
//   - recovery/gormstore keeps them in a SQL database through GORM
//     (SQLite, PostgreSQL, MySQL/MariaDB), in the table
//     gatehouse_recovery_codes: gormstore.New(ctx, db) creates it if it is
//     missing.
//   - recovery/memstore keeps them in the process's memory, for tests and
//     applications of one process: memstore.New().
//
// A store of one's own implements Store and passes recovery/storetest,
// once per backend it supports.
package recovery
