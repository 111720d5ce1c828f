// Package storecheck draws the lines that Codes and every store of codes
// in gatehouse share: which user ids can have codes, which digests one
// Replace may hold, and how times are kept, so that every store answers
// alike whatever its backend would have done on its own.
package storecheck

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxUserIDLength is recovery.MaxUserIDLength, in bytes.
const MaxUserIDLength = 64

// UserID returns "" when a user can have userID, and otherwise why not,
// without the value: empty, over MaxUserIDLength bytes, not UTF-8, or
// holding a NUL byte, which PostgreSQL refuses in text and C-string APIs
// cut at.
func UserID(userID string) (problem string) {
	switch {
	case userID == "":
		return "empty"
	case len(userID) > MaxUserIDLength:
		return fmt.Sprintf("%d bytes, over %d", len(userID), MaxUserIDLength)
	case !utf8.ValidString(userID):
		return "not UTF-8"
	case strings.IndexByte(userID, 0) >= 0:
		return "holds a NUL byte"
	}
	return ""
}

// ValidUserID reports whether a user can have userID. A store answers a
// lookup or a delete of any other as of a user without codes, without
// asking its backend, which might refuse the bytes with an error.
func ValidUserID(userID string) bool { return UserID(userID) == "" }

// ErrRepeatedDigest refuses a Replace whose digests repeat one.
var ErrRepeatedDigest = errors.New("a digest is repeated")

// Digests returns nil when no two of digests are equal, and otherwise
// ErrRepeatedDigest.
func Digests(digests [][32]byte) error {
	seen := make(map[[32]byte]struct{}, len(digests))
	for _, d := range digests {
		if _, ok := seen[d]; ok {
			return ErrRepeatedDigest
		}
		seen[d] = struct{}{}
	}
	return nil
}

// Time is t as stores keep it: in UTC, to the microsecond (truncated, as
// database drivers send times), without a monotonic clock reading.
func Time(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}
