package authn

import "context"

// MethodExternalToken: an access token issued by an external OpenID
// provider (see package authn/external).
const MethodExternalToken Method = "external_token"

// ExternalIdentity is who an external identity provider says a caller is:
// what a verified access token or ID token of that provider proves. It is
// what an IdentityLinker turns into a local subject.
type ExternalIdentity struct {
	// Provider is the configured short name of the provider, such as
	// "zitadel" or "google"; it namespaces Subject.
	Provider string
	// Issuer is the provider's issuer URL, the token's "iss", exactly.
	Issuer string
	// Subject is the provider's id of the caller (its "sub", or the claim
	// the provider is configured to read), unique only within Issuer.
	Subject string
	// Email is the caller's email address as the provider gave it, or "".
	Email string
	// EmailVerified reports whether the provider says it verified Email
	// ("email_verified": true). An unverified email proves nothing: it
	// must never be used to find a local account.
	EmailVerified bool
	// Name is the caller's display name ("name"), or "".
	Name string
	// Groups are the values of the provider's group claim, when one is
	// configured; nil otherwise. They are the provider's words, not
	// gatehouse roles.
	Groups []string
}

// NamespacedID returns the provider's name and the subject joined by "|"
// ("zitadel|2938475"): an id that no subject of another provider can
// take, since a provider's name holds no "|". It is the Subject.ID of an
// external identity that no IdentityLinker maps to a local user.
func (e ExternalIdentity) NamespacedID() string { return e.Provider + "|" + e.Subject }

// IdentityLinker maps an external identity to the id of a local subject
// (a user id), creating the link, and the local user, on first sight if it
// is built to. LinkIdentity returns the local id; an error matching
// ErrInvalidCredentials when the identity may not sign in (its local user
// is locked or deleted, or linking is refused); and any other error when it
// cannot answer now (its store is down), which authenticators report as
// ErrUnavailable: the credential may be good.
//
// It is called on every request an external credential authenticates, so
// it must answer from memory or in one round trip for a known identity.
type IdentityLinker interface {
	LinkIdentity(ctx context.Context, id ExternalIdentity) (subjectID string, err error)
}
