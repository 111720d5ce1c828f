package check_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gatehouse-go/gatehouse/authn/totp/internal/check"
)

func TestUserID(t *testing.T) {
	t.Parallel()
	cases := []struct {
		id   string
		want bool
	}{
		{"usr_0123456789abcdef", true},
		{"alice@example.com", true},
		{"ünïcödé 🔑", true},
		{strings.Repeat("u", check.MaxUserIDLength), true},
		{"", false},
		{strings.Repeat("u", check.MaxUserIDLength+1), false},
		{strings.Repeat("é", check.MaxUserIDLength/2+1), false}, // 256 bytes, 128 characters
		{"nul\x00", false},
		{"bad\xff", false},
		{"\xed\xa0\x80", false}, // an encoded surrogate
	}
	for _, c := range cases {
		assert.Equal(t, c.want, check.UserID(c.id), "%q", c.id)
	}
}

func TestSealed(t *testing.T) {
	t.Parallel()
	assert.False(t, check.Sealed(nil))
	assert.False(t, check.Sealed([]byte{}))
	assert.True(t, check.Sealed([]byte{0}))
	assert.True(t, check.Sealed(make([]byte, check.MaxSealedLength)))
	assert.False(t, check.Sealed(make([]byte, check.MaxSealedLength+1)))
}
