package refresh

import (
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Record is one refresh token as a Store keeps it: the hash of its value,
// never the value, so a copy of a store yields no usable token. Tokens
// writes its times in UTC, to the microsecond.
type Record struct {
	// ID names the token's row: 32 hex digits, unique among stored
	// tokens. It is not a secret.
	ID string
	// FamilyID names the family, the login the token descends from: 32
	// hex digits, the same for every token of the family. It is not a
	// secret.
	FamilyID string
	// Subject is the user the family was issued to.
	Subject string
	// TokenHash is the hex SHA-256 of the token, unique among stored
	// tokens. A plain hash is enough because the token is 32 random
	// bytes: there is nothing to guess.
	TokenHash string
	// CreatedAt is when the token was issued: the login, or the refresh
	// that rotated its predecessor.
	CreatedAt time.Time
	// ExpiresAt is when the token stops being usable if it is not
	// rotated: the earlier of its TTL and its family's end.
	ExpiresAt time.Time
	// FamilyExpiresAt is the family's absolute end, the same for every
	// token of the family; no rotation extends it.
	FamilyExpiresAt time.Time
	// UsedAt is when the token was rotated; zero while it is not. A used
	// token presented again is reuse.
	UsedAt time.Time
	// RevokedAt is when the token's family was revoked; zero while it is
	// not.
	RevokedAt time.Time
	// LoginAt is when the family's login happened, the same for every
	// token of the family; zero for families stored before it was
	// recorded.
	LoginAt time.Time
	// Methods are the authentication methods of the family's login (RFC
	// 8176, see authn.AMRPassword), separated by single spaces ("pwd otp
	// mfa"), the same for every token of the family; "" when unknown, as
	// for families stored before they were recorded. At most
	// MaxMethodsLength bytes.
	Methods string
}

// MaxMethodsLength bounds Record.Methods: eight methods of sixteen bytes
// and their separators.
const MaxMethodsLength = 8*16 + 7

// Expired reports whether the token can no longer be used at now because
// its own or its family's lifetime is over: each ends at its instant.
func (r Record) Expired(now time.Time) bool {
	return !now.Before(r.FamilyExpiresAt) || !now.Before(r.ExpiresAt)
}

// Live reports whether the token can be rotated at now: it is neither
// used, revoked nor Expired. Only the newest token of a family can be
// live, and a family is live while it is.
func (r Record) Live(now time.Time) bool {
	return r.UsedAt.IsZero() && r.RevokedAt.IsZero() && !r.Expired(now)
}

// Successor returns the token that replaces r when r is rotated: next's
// ID, TokenHash and CreatedAt, and its ExpiresAt cut down to r's
// family's end; the family, subject, family end, login time and methods
// of r; not used, not revoked. Store.Rotate stores exactly this.
func (r Record) Successor(next Record) Record {
	expiresAt := next.ExpiresAt
	if expiresAt.After(r.FamilyExpiresAt) {
		expiresAt = r.FamilyExpiresAt
	}
	return Record{
		ID:              next.ID,
		FamilyID:        r.FamilyID,
		Subject:         r.Subject,
		TokenHash:       next.TokenHash,
		CreatedAt:       next.CreatedAt,
		ExpiresAt:       expiresAt,
		FamilyExpiresAt: r.FamilyExpiresAt,
		LoginAt:         r.LoginAt,
		Methods:         r.Methods,
	}
}

// expired returns why the token of r cannot be used at now because its
// own or its family's lifetime is over, or nil.
func (r Record) expired(now time.Time) error {
	switch {
	case !now.Before(r.FamilyExpiresAt):
		return fmt.Errorf("refresh: family %s ended: %w", r.FamilyID, authn.ErrTokenExpired)
	case !now.Before(r.ExpiresAt):
		return fmt.Errorf("refresh: family %s: %w", r.FamilyID, authn.ErrTokenExpired)
	}
	return nil
}

// token returns the public view of r, with value as its Value, its times
// in UTC whatever the store gave back.
func (r Record) token(value string) Token {
	return Token{
		Value: authn.Secret(value), FamilyID: r.FamilyID, Subject: r.Subject,
		ExpiresAt: r.ExpiresAt.UTC(), LoginAt: r.LoginAt.UTC(), Methods: splitMethods(r.Methods),
	}
}

// splitMethods is a Record's Methods as a list; nil for "".
func splitMethods(methods string) []string {
	if methods == "" {
		return nil
	}
	return strings.Split(methods, " ")
}
