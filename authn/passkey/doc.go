// Package passkey logs users in with passkeys: WebAuthn credentials,
// discoverable and usually synced, that a browser creates and signs with
// after a fingerprint, a face or a PIN. Every check of a response
// (challenge, origin, relying party, signature, flags, attestation) is
// made by github.com/go-webauthn/webauthn; this package keeps credentials
// and ceremonies and speaks gatehouse's language.
//
//	p, err := passkey.New(store, challenges, passkey.Config{
//		RPID: "example.com", RPDisplayName: "Example",
//		RPOrigins: []string{"https://example.com"},
//	})
//
//	// Settings page, logged in: register a passkey.
//	id, options, err := p.BeginRegistration(ctx, user.ID, user.Email, user.Name)
//	// ... navigator.credentials.create({publicKey: options}) in the browser ...
//	cred, err := p.FinishRegistration(ctx, user.ID, id, responseJSON, "MacBook")
//
//	// Login page, no user named: passkey-first login.
//	id, options, err := p.BeginLogin(ctx)
//	// ... navigator.credentials.get({publicKey: options}) ...
//	userID, amr, err := p.FinishLogin(ctx, id, responseJSON)
//
// Each ceremony's state (go-webauthn's SessionData) is kept server-side in
// a ChallengeStore under a random ceremony id the client sends back: it is
// good for one Finish, whatever its outcome, and for Config.ChallengeTTL.
// Users are known to authenticators by a random 32-byte user handle, never
// by their id or email. A login updates the credential's signature counter
// with a compare-and-set and refuses a counter that did not move forward
// (a cloned authenticator), and reports RFC 8176 methods: "hwk" for a
// device-bound passkey or "swk" for a synced one, and "mfa" when the
// authenticator verified the user.
//
// BeginSecondFactor and FinishSecondFactor check a passkey of a named user
// after a password, offering only that user's credentials.
//
// Errors match ErrInvalidResponse for any refused response and
// ErrChallengeNotFound for an unknown, spent or expired ceremony (both
// match authn.ErrInvalidCredentials), and ErrStore for faults that are no
// verdict on the response.
//
// Credentials live in a Store and ceremonies in a ChallengeStore, small
// interfaces whose documentation is their contract; each implementation is
// a package of its own, so that this package links no database:
//
//   - passkey/gormstore keeps them through GORM (SQLite, PostgreSQL,
//     MySQL/MariaDB), in the tables gatehouse_passkeys,
//     gatehouse_passkey_users and gatehouse_passkey_challenges.
//   - passkey/memstore keeps them in the process's memory.
//
// A store of one's own passes passkey/storetest.
package passkey
