// Package check decides which user ids and sealed secrets the second
// factors of package totp are kept under, so that the Manager and every
// store of gatehouse refuse the same ones, before anything is written,
// whatever their backend would have done with them.
//
// It stands apart from package totp, which re-exports its limits, so that
// both totp and its stores can use it.
package check

import (
	"strings"
	"unicode/utf8"
)

// MaxUserIDLength bounds a user id, in bytes: the width of the column the
// SQL store keeps it in.
const MaxUserIDLength = 255

// MaxSealedLength bounds a sealed secret, in bytes. The Manager's are 49
// bytes; the rest is room for a later format.
const MaxSealedLength = 255

// UserID reports whether a second factor may be kept under id: not empty,
// at most MaxUserIDLength bytes, UTF-8, and without a NUL byte, which
// PostgreSQL refuses in text and C-string APIs cut at.
func UserID(id string) bool {
	return id != "" && len(id) <= MaxUserIDLength && utf8.ValidString(id) && strings.IndexByte(id, 0) < 0
}

// Sealed reports whether a store keeps b as a sealed secret: neither empty
// nor longer than MaxSealedLength bytes. Its content is the Manager's
// business.
func Sealed(b []byte) bool {
	return len(b) > 0 && len(b) <= MaxSealedLength
}
