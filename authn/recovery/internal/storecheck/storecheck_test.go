package storecheck_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn/recovery/internal/storecheck"
)

func TestUserID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, id string
		problem  string // "" when valid
	}{
		{"users.Directory's", "usr_0123456789abcdef0123456789abcdef", ""},
		{"at the limit", strings.Repeat("u", storecheck.MaxUserIDLength), ""},
		{"at the limit in three-byte runes", strings.Repeat("€", storecheck.MaxUserIDLength/3), ""},
		{"a space", " ", ""},
		{"empty", "", "empty"},
		{"over the limit", strings.Repeat("u", storecheck.MaxUserIDLength+1), "65 bytes, over 64"},
		{"over the limit by a rune's last byte", strings.Repeat("u", storecheck.MaxUserIDLength-1) + "é", "65 bytes, over 64"},
		{"not UTF-8", "usr_\xff", "not UTF-8"},
		{"NUL", "usr\x00", "holds a NUL byte"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.problem, storecheck.UserID(tt.id), tt.name)
		assert.Equal(t, tt.problem == "", storecheck.ValidUserID(tt.id), tt.name)
	}
	assert.NotContains(t, storecheck.UserID("secret\x00"), "secret", "the value is never quoted")
}

func TestDigests(t *testing.T) {
	t.Parallel()
	a, b := [32]byte{1}, [32]byte{2}
	assert.NoError(t, storecheck.Digests(nil))
	assert.NoError(t, storecheck.Digests([][32]byte{a, b}))
	assert.ErrorIs(t, storecheck.Digests([][32]byte{a, b, a}), storecheck.ErrRepeatedDigest)
	assert.ErrorIs(t, storecheck.Digests([][32]byte{{}, {}}), storecheck.ErrRepeatedDigest)
}

func TestTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.FixedZone("UTC-8", -8*3600))
	assert.Equal(t, time.Date(2030, 1, 2, 11, 4, 5, 123456000, time.UTC), storecheck.Time(at))
	now := time.Now()
	assert.Equal(t, storecheck.Time(now), storecheck.Time(now).Round(0), "no monotonic reading")
}
