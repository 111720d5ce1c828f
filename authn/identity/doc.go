// Package identity links identities at external OpenID providers to local
// users: the same local user id on every request of a provider's subject,
// however it authenticates (an access token of the provider, or a login
// there that ends in a gatehouse session).
package identity
