// Package check decides which user ids, credential ids, user handles and
// names the passkeys of package passkey are kept under, so that the
// package and every store of gatehouse refuse the same ones, before
// anything is written, whatever their backend would have done with them.
//
// It stands apart from package passkey, which re-exports its limits, so
// that both passkey and its stores can use it.
package check

import (
	"strings"
	"unicode/utf8"
)

// Limits of what a store keeps.
const (
	// MaxUserIDLength bounds a user id, in bytes: the width of the column
	// the SQL store keeps it in.
	MaxUserIDLength = 255
	// MaxCredentialIDLength bounds a credential id, in bytes: WebAuthn
	// Level 3 lets an authenticator make ids of up to 1023 bytes.
	MaxCredentialIDLength = 1023
	// MaxUserHandleLength bounds a user handle, in bytes, as WebAuthn
	// does.
	MaxUserHandleLength = 64
	// MaxNameLength bounds a credential's name, in bytes.
	MaxNameLength = 100
	// MaxChallengeIDLength bounds a ceremony id, in bytes.
	MaxChallengeIDLength = 64
)

// UserID reports whether passkeys may be kept under id: not empty, at most
// MaxUserIDLength bytes, UTF-8, and without a NUL byte, which PostgreSQL
// refuses in text and C-string APIs cut at.
func UserID(id string) bool {
	return id != "" && len(id) <= MaxUserIDLength && utf8.ValidString(id) && strings.IndexByte(id, 0) < 0
}

// CredentialID reports whether b may be a credential id: 1 to
// MaxCredentialIDLength bytes.
func CredentialID(b []byte) bool {
	return len(b) > 0 && len(b) <= MaxCredentialIDLength
}

// UserHandle reports whether b may be a user handle: 1 to
// MaxUserHandleLength bytes.
func UserHandle(b []byte) bool {
	return len(b) > 0 && len(b) <= MaxUserHandleLength
}

// Name reports whether s may name a credential: at most MaxNameLength
// bytes of UTF-8 without NUL. It may be empty.
func Name(s string) bool {
	return len(s) <= MaxNameLength && utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// ChallengeID reports whether id may name a ceremony: 1 to
// MaxChallengeIDLength bytes of printable ASCII.
func ChallengeID(id string) bool {
	if id == "" || len(id) > MaxChallengeIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] <= ' ' || id[i] > '~' {
			return false
		}
	}
	return true
}
