// To give an application its login, logout, refresh, sign-up, cookie
// session, password-reset and email-verification flows, build a Service with
// New from the credential packages under authn, call its methods from the
// application's handlers (or mount the ready HTTP API of package
// adapters/accountapi), and put Service.Authenticator in front of the routes
// (package adapters/guard). Package stack builds the Service, its parts and
// the API from one database.
//
// Package account composes gatehouse's credential packages into these
// flows: sign-up that does not reveal who has an account, login with
// throttling, token refresh with reuse detection, logout, cookie sessions,
// password reset, email verification, and revoking everything a user holds
// when an administrator locks or deletes them.
//
// Each flow is a few calls into the packages under authn, in the order that
// keeps it safe (reserve a throttled attempt before the password is
// checked, validate a new password before the reset token is spent, revoke
// before a user is gone); applications that need another order can call
// those packages directly. Bad input from a client (an email no account can
// have, a password longer than any allowed, an address that is not an IP)
// is refused like a wrong password, never taken for a failure of the
// server. The Service never touches authorization: removing a deleted user
// from the policy, or giving a new one roles, is the application's call to
// authz.
package account
