package apikey

import "time"

// Record is one API key as a Store keeps it: the key's public description
// and the SHA-256 of the whole key, never the key itself, so a copy of a
// store lets no one call the API. Keys writes its times in UTC, to the
// microsecond.
type Record struct {
	// ID names the key: "key_" and 16 hex digits, unique among stored
	// keys.
	ID string
	// Prefix is the key's public part, eight characters of lower-case
	// base32hex, unique among stored keys: Verify finds the key by it.
	Prefix string
	// Hash is the hex SHA-256 of the whole key. Keys compares it in
	// constant time; a store only keeps it.
	Hash string
	// OwnerID is the id of the user the key authenticates as.
	OwnerID string
	// Name is the owner's label for the key.
	Name string
	// CreatedAt is when the key was created.
	CreatedAt time.Time
	// ExpiresAt is when the key stops working; zero when it does not
	// expire.
	ExpiresAt time.Time
	// RevokedAt is when the key was revoked; zero while it is not.
	RevokedAt time.Time
	// LastUsedAt is when the key last authenticated a request, recorded
	// at most once a minute; zero if it never has.
	LastUsedAt time.Time
}

// key returns the record's public description, its times in UTC whatever
// the store gave back.
func (r Record) key() Key {
	return Key{
		ID:         r.ID,
		Prefix:     r.Prefix,
		OwnerID:    r.OwnerID,
		Name:       r.Name,
		CreatedAt:  r.CreatedAt.UTC(),
		ExpiresAt:  optional(r.ExpiresAt),
		RevokedAt:  optional(r.RevokedAt),
		LastUsedAt: optional(r.LastUsedAt),
	}
}

// optional returns t in UTC, or nil for the zero time.
func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
