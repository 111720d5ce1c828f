// Package totp adds a second factor to logins: time-based one-time
// passwords (RFC 6238) as authenticator apps compute them, six digits
// from HMAC-SHA-1 of a 160-bit secret, a new code every thirty seconds.
// Codes are computed and compared by github.com/pquerna/otp.
//
// A Manager enrols users and checks their codes:
//
//	store, err := gormstore.New(ctx, db) // or memstore.New()
//	mfa, err := totp.New(store, totp.Config{Issuer: "Example", Key: key})
//
//	// On the settings page, after a recent login:
//	e, err := mfa.Enroll(ctx, user.ID, user.Email) // show e.QRCode and e.Secret once
//	err = mfa.Confirm(ctx, user.ID, codeFromForm)  // the first code turns it on
//
//	// At login, after the password, when mfa.Enabled(ctx, user.ID):
//	err = mfa.Verify(ctx, user.ID, codeFromForm)   // nil: the login is complete
//
// Enroll draws a secret and keeps it pending; Confirm, given a code the
// app computed from it, makes it active; from then on Verify checks codes
// against it. Enrolling again keeps the active secret working until the
// new one is confirmed. Disable removes both.
//
// Verify accepts a code within Config.Skew time steps either side of now
// (one by default: a phone's clock may be off) and never accepts one code
// twice: the store records the step of the last code accepted and takes a
// code only for a later step, in one atomic compare-and-set, so that of two
// processes racing with one code exactly one accepts it. Verify counts no
// failures: throttle it (package throttle), or a million codes are soon
// tried.
//
// Secrets are kept sealed, with AES-256-GCM under Config.Key and the user
// id as additional data: a copy of the database yields none without the
// key, and a sealed secret moved to another user's record does not open.
// The Enrollment that shows a secret to its user prints as [REDACTED].
//
// Errors match ErrInvalidCode for a malformed, wrong or replayed code,
// ErrNotEnrolled for a user without the secret asked for (both match
// authn.ErrInvalidCredentials), and ErrStore and ErrCorruptSecret for
// faults that are no verdict on the code.
//
// Records live in a Store, a small interface whose documentation is its
// contract; each implementation is a package of its own, so that this
// package links no database:
//
//   - totp/gormstore keeps them in a SQL database through GORM (SQLite,
//     PostgreSQL, MySQL/MariaDB), in the table gatehouse_totp.
//   - totp/memstore keeps them in the process's memory, for tests and
//     applications of one process.
//
// A store of one's own implements Store and passes totp/storetest, once
// per backend it supports.
package totp
