package apikey

import "time"

// Key describes a stored API key. It never holds the key's secret or hash,
// so it is safe to list, log or send to the key's owner.
type Key struct {
	// ID names the key ("key_" and 16 hex digits) in the API: Get, Revoke,
	// and Subject.CredentialID.
	ID string
	// Prefix is the key's public part, the eight characters after "ghk_".
	// Show it so users can tell their keys apart.
	Prefix string
	// OwnerID is the id of the user the key authenticates as.
	OwnerID string
	// Name is the owner's label for the key, such as "CI deploy".
	Name string
	// CreatedAt is when the key was created, in UTC.
	CreatedAt time.Time
	// ExpiresAt is when the key stops working; nil when it does not expire.
	ExpiresAt *time.Time
	// RevokedAt is when the key was revoked; nil while it is not.
	RevokedAt *time.Time
	// LastUsedAt is roughly when the key last authenticated a request (it
	// is recorded at most once a minute); nil if it never has.
	LastUsedAt *time.Time
}

// Display returns the key's public form, "ghk_" and its prefix, for lists.
func (k Key) Display() string { return Scheme + k.Prefix }
