// Package account composes gatehouse's credential packages into the flows
// an application exposes: login with throttling, token refresh with reuse
// detection, logout, cookie sessions, password reset, email verification,
// and revoking everything a user holds when an administrator locks or
// deletes them.
//
// Each flow is a few calls into the packages under authn, in the order that
// keeps it safe (throttle before the password is checked, validate a new
// password before the reset token is spent, revoke before a user is gone);
// applications that need another order can call those packages directly.
// The Service never touches authorization: removing a deleted user from the
// policy is the application's call to authz.
package account
