// Package external accepts access tokens issued by external OpenID
// providers — Auth0, Keycloak, Entra ID, Okta, Google, Dex, Zitadel — for
// an application that lets a provider run its logins and acts as a
// resource server (RFC 9068, RFC 6750). Build a Verifier with New from the
// providers' issuer URLs and this API's audience there, and put it in the
// guard's authn.Chain; it implements authn.Authenticator.
//
// Each provider's keys are found by OpenID discovery
// ({issuer}/.well-known/openid-configuration, whose "issuer" must be the
// configured one exactly) or at a configured JWKS URL, and kept in memory.
// They are fetched again in the background (Config.RefreshInterval), so
// that a rotation is usually seen before its first token arrives, and when
// a token names a key the Verifier does not hold — but at most once per
// Config.UnknownKeyInterval, so that a flood of tokens with made-up key
// ids costs the provider one request, not one each. Tokens that arrive
// while that fetch is in flight wait for it; those that come while a fetch
// would be too soon are refused at once, with 401. A failed fetch leaves
// the keys held in use, so an unreachable provider does not log anybody
// out, until Config.MaxKeyAge; only then, or before the first fetch has
// succeeded, are its tokens answered authn.ErrUnavailable (503): they may
// be good.
//
// A token is verified with golang-jwt, as gatehouse's own are: the key is
// chosen by the token's "kid" and the algorithm must suit that key, so
// neither "alg": "none" nor an HMAC token keyed with a provider's public
// key gets through; "iss" must equal the provider's issuer, "aud" must
// name this API, "exp" must be there, and the times are checked with a
// leeway. Which "typ" values are accepted is configured per provider
// (Provider.Types): RFC 9068's "at+jwt" and the "JWT" most providers send.
//
// The Subject's ID is namespaced by the provider ("zitadel|2938475", see
// authn.ExternalIdentity.NamespacedID), so that two providers' subjects
// never collide with each other or with local user ids; or, with a
// Config.Linker, the id of the local user the identity is linked to
// (package authn/identity links them, creating the user on first sight).
// Roles are never read from the token: they stay in gatehouse's policy. An
// application that keeps its groups at the provider maps them to roles in
// Config.SyncGroups, which runs when a subject's groups change.
//
// # Why jwkset and go-oidc
//
// The JWK sets are read by github.com/MicahParks/jwkset, the key-set
// library underneath github.com/MicahParks/keyfunc, and discovery is
// github.com/coreos/go-oidc's. keyfunc's own refresh on an unknown kid was
// not used: it waits for its rate limiter inside the request (up to a
// minute by default) and bounds the fetch itself by that wait, where a
// resource server under a flood of made-up kids should answer 401 at once
// and let the one allowed fetch run to its own timeout. go-oidc's key set
// refetches on every unknown kid, without a limit, and verifies with
// go-jose rather than golang-jwt, which gatehouse's own tokens and their
// checks use. So the schedule — background refresh, the rate limit,
// sharing a fetch in flight, keeping keys through an outage — is this
// package's, a few dozen lines; parsing keys, discovery and every
// cryptographic step are those libraries'.
package external
