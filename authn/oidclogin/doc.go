// Package oidclogin logs users of a browser application in at an external
// OpenID provider, by the authorization code flow of OpenID Connect with
// PKCE (RFC 7636), state and nonce, on golang.org/x/oauth2 and
// github.com/coreos/go-oidc: the standard libraries of the field, which
// discover the provider, exchange the code and verify the ID token.
//
// A login has two halves, one on each side of the provider's login page.
// Login.Begin returns the provider's authorization URL and a Pending
// login — a state, a nonce and a PKCE verifier, each 128 random bits or
// more — which the application keeps in an HttpOnly cookie of the browser.
// When the provider sends the browser back, Login.Finish checks the
// state against the cookie's (so that nobody can finish a login in
// another's browser), exchanges the code with the verifier (so that a
// stolen code is worth nothing), verifies the ID token — signature,
// issuer, audience, expiry — and its nonce (so that no ID token of
// another login is replayed), and hands the identity it proves to an
// authn.IdentityLinker (package authn/identity), which returns the local
// user. The application then starts its own session for that user:
// adapters/oidcapi does all of it over HTTP, ending in a gatehouse cookie
// session, for net/http, Gin and Fiber alike.
//
// Roles are not taken from the provider: the local user's roles are in
// the policy, given when the Linker creates the user (identity.Config's
// OnCreate) or by an administrator.
package oidclogin
