package linkcheck_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/internal/linkcheck"
)

var created = time.Date(2030, 1, 2, 3, 4, 5, 123456000, time.UTC)

func valid() identity.Link {
	return identity.Link{Issuer: "https://id.example.com", Subject: "248289761001", UserID: "usr_1", CreatedAt: created}
}

func TestLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		edit  func(l *identity.Link)
		valid bool
	}{
		{"valid", func(*identity.Link) {}, true},
		{"issuer at its limit", func(l *identity.Link) { l.Issuer = strings.Repeat("i", identity.MaxIssuerLength) }, true},
		{"subject at its limit", func(l *identity.Link) { l.Subject = strings.Repeat("s", identity.MaxSubjectLength) }, true},
		{"user id at its limit", func(l *identity.Link) { l.UserID = strings.Repeat("u", identity.MaxUserIDLength) }, true},
		{"limit in bytes of three-byte runes", func(l *identity.Link) { l.Subject = strings.Repeat("€", identity.MaxSubjectLength/3) }, true},
		{"spaces only", func(l *identity.Link) { l.Subject, l.UserID = " ", "\t" }, true},
		{"earliest time", func(l *identity.Link) { l.CreatedAt = time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC) }, true},
		{"latest time", func(l *identity.Link) { l.CreatedAt = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC) }, true},
		{"latest time east of UTC", func(l *identity.Link) {
			l.CreatedAt = time.Date(10000, 1, 1, 0, 59, 59, 0, time.FixedZone("UTC+1", 3600))
		}, true},

		{"empty issuer", func(l *identity.Link) { l.Issuer = "" }, false},
		{"empty subject", func(l *identity.Link) { l.Subject = "" }, false},
		{"empty user id", func(l *identity.Link) { l.UserID = "" }, false},
		{"issuer over its limit", func(l *identity.Link) { l.Issuer = strings.Repeat("i", identity.MaxIssuerLength+1) }, false},
		{"subject over its limit", func(l *identity.Link) { l.Subject = strings.Repeat("s", identity.MaxSubjectLength+1) }, false},
		{"user id over its limit", func(l *identity.Link) { l.UserID = strings.Repeat("u", identity.MaxUserIDLength+1) }, false},
		{"over the limit by a rune's last byte", func(l *identity.Link) { l.UserID = strings.Repeat("u", identity.MaxUserIDLength-1) + "é" }, false},
		{"invalid UTF-8", func(l *identity.Link) { l.Issuer = "https://\xff" }, false},
		{"cut rune", func(l *identity.Link) { l.Subject = "é"[:1] }, false},
		{"NUL", func(l *identity.Link) { l.UserID = "usr\x00" }, false},
		{"no time", func(l *identity.Link) { l.CreatedAt = time.Time{} }, false},
		{"before the year 1000", func(l *identity.Link) { l.CreatedAt = time.Date(999, 12, 31, 23, 59, 59, 999999000, time.UTC) }, false},
		{"after the year 9999", func(l *identity.Link) { l.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := valid()
			tt.edit(&l)
			err := linkcheck.Link(l)
			if tt.valid {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, identity.ErrInvalidLink)
			}
			assert.Equal(t, linkcheck.Identity(l.Issuer, l.Subject), linkcheck.Link(identity.Link{
				Issuer: l.Issuer, Subject: l.Subject, UserID: "usr_1", CreatedAt: created,
			}) == nil, "Identity agrees with Link")
			assert.Equal(t, linkcheck.UserID(l.UserID), linkcheck.Link(identity.Link{
				Issuer: "https://id.example.com", Subject: "1", UserID: l.UserID, CreatedAt: created,
			}) == nil, "UserID agrees with Link")
		})
	}
}

// The error says which field and why, never the value, which may be
// binary or long.
func TestLinkErrorNamesTheField(t *testing.T) {
	t.Parallel()
	l := valid()
	l.Subject = strings.Repeat("secret", 50)
	err := linkcheck.Link(l)
	assert.ErrorContains(t, err, "subject is 300 bytes, over 255")
	assert.NotContains(t, err.Error(), "secret")
}

func TestTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.FixedZone("UTC-8", -8*3600))
	assert.Equal(t, time.Date(2030, 1, 2, 11, 4, 5, 123456000, time.UTC), linkcheck.Time(at))
	now := time.Now()
	assert.Equal(t, linkcheck.Time(now), linkcheck.Time(now).Round(0), "no monotonic reading")
}
