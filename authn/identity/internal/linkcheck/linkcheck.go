// Package linkcheck decides which links a store of gatehouse keeps, so
// that every store refuses the same ones with identity.ErrInvalidLink
// before it writes anything, whatever its backend would have done with
// them.
//
// Beyond the fields the contract names (empty, over-long, not UTF-8), it
// refuses a NUL byte, which PostgreSQL refuses in text and C-string APIs
// cut at, and a CreatedAt outside the years 1000 to 9999, the range of
// MySQL's DATETIME, so that one link is kept by every store or by none.
package linkcheck

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gatehouse-go/gatehouse/authn/identity"
)

// The range of CreatedAt every supported database keeps: MySQL's DATETIME
// holds no year before 1000 or after 9999.
var (
	earliest = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
)

// Link returns nil when a store can keep l, and otherwise an error matching
// identity.ErrInvalidLink that names the field and why. CreatedAt is judged
// as stored, to the microsecond.
func Link(l identity.Link) error {
	if err := field("issuer", l.Issuer, identity.MaxIssuerLength); err != nil {
		return err
	}
	if err := field("subject", l.Subject, identity.MaxSubjectLength); err != nil {
		return err
	}
	if err := field("user id", l.UserID, identity.MaxUserIDLength); err != nil {
		return err
	}
	if l.CreatedAt.IsZero() {
		return fmt.Errorf("%w: created at is not set", identity.ErrInvalidLink)
	}
	if at := Time(l.CreatedAt); at.Before(earliest) || at.After(latest) {
		return fmt.Errorf("%w: created at %s is outside the years 1000 to 9999", identity.ErrInvalidLink, at.Format(time.RFC3339Nano))
	}
	return nil
}

// Identity reports whether a valid link could have issuer and subject. A
// store answers a lookup or a delete of any other as not found, without
// asking its backend, which might refuse the bytes with an error.
func Identity(issuer, subject string) bool {
	return field("", issuer, identity.MaxIssuerLength) == nil &&
		field("", subject, identity.MaxSubjectLength) == nil
}

// UserID reports whether a valid link could have userID, as Identity does
// for issuers and subjects.
func UserID(userID string) bool {
	return field("", userID, identity.MaxUserIDLength) == nil
}

// Time is t as stores keep it: in UTC, to the microsecond (truncated, as
// database drivers send times), without a monotonic clock reading.
func Time(t time.Time) time.Time {
	return t.UTC().Truncate(time.Microsecond)
}

// field checks one string of a link. The error does not quote the value,
// which may be long or binary, only its length.
func field(name, value string, limit int) error {
	switch {
	case value == "":
		return fmt.Errorf("%w: %s is empty", identity.ErrInvalidLink, name)
	case len(value) > limit:
		return fmt.Errorf("%w: %s is %d bytes, over %d", identity.ErrInvalidLink, name, len(value), limit)
	case !utf8.ValidString(value):
		return fmt.Errorf("%w: %s is not UTF-8", identity.ErrInvalidLink, name)
	case strings.IndexByte(value, 0) >= 0:
		return fmt.Errorf("%w: %s holds a NUL byte", identity.ErrInvalidLink, name)
	}
	return nil
}
