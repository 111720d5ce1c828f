package password_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

// bcrypt is slow under the race detector (about a second per hash at cost
// 10), so only this test hashes with a configurable cost; the others read
// the fixtures.
func TestBcryptRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := password.NewBcrypt(10)
	require.NoError(t, err)

	encoded, err := h.Hash(fixturePassword)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(encoded, "$2a$10$"), encoded)
	assert.Len(t, encoded, 60)
	assert.False(t, h.NeedsRehash(encoded))

	ok, err := h.Verify(encoded, fixturePassword)
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestBcryptVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		encoded  string
		password string
		want     bool
	}{
		{"fixture", bcryptCost4Fixture, fixturePassword, true},
		{"wrong password", bcryptCost4Fixture, "correct horse battery stapler", false},
		{"empty password", bcryptCost4Fixture, "", false},
		{"$2b$ as OpenBSD writes it", strings.Replace(bcryptCost4Fixture, "$2a$", "$2b$", 1), fixturePassword, true},
		{"$2y$ as PHP writes it", strings.Replace(bcryptCost4Fixture, "$2a$", "$2y$", 1), fixturePassword, true},
		{"72 bytes", bcrypt72aFixture, strings.Repeat("a", 72), true},
		{"71 bytes", bcrypt72aFixture, strings.Repeat("a", 71), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, err := password.Verify(tt.encoded, tt.password)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ok)
		})
	}
}

func TestBcryptRefusesPasswordsOver72Bytes(t *testing.T) {
	t.Parallel()
	h, err := password.NewBcrypt(10)
	require.NoError(t, err)
	// bcrypt itself would match this against the hash of its first 72
	// bytes.
	long := strings.Repeat("a", 72) + "b"

	encoded, err := h.Hash(long)
	assert.ErrorIs(t, err, password.ErrTooLongForBcrypt)
	assert.ErrorIs(t, err, password.ErrInvalidPassword)
	assert.Empty(t, encoded)

	ok, err := h.Verify(bcrypt72aFixture, long)
	assert.ErrorIs(t, err, password.ErrTooLongForBcrypt)
	assert.False(t, ok)
	ok, err = password.Verify(bcrypt72aFixture, long)
	assert.ErrorIs(t, err, password.ErrTooLongForBcrypt)
	assert.False(t, ok)

	// 72 bytes of multibyte characters are still 72 bytes: the limit counts
	// bytes, not characters.
	_, err = h.Hash(strings.Repeat("é", 37))
	assert.ErrorIs(t, err, password.ErrTooLongForBcrypt)
	assert.NotContains(t, err.Error(), "é", "errors never repeat the password")
}

func TestNewBcryptCost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		cost int
		ok   bool
	}{
		{0, true}, {10, true}, {12, true}, {20, true},
		{-1, false}, {4, false}, {9, false}, {21, false}, {31, false},
	}
	for _, tt := range tests {
		h, err := password.NewBcrypt(tt.cost)
		if tt.ok {
			require.NoError(t, err, "cost %d", tt.cost)
			assert.NotNil(t, h)
			continue
		}
		assert.ErrorIs(t, err, password.ErrInvalidParameters, "cost %d", tt.cost)
		assert.Nil(t, h)
	}

	// Cost 0 means 12: hashes of cost 11 are weaker, those of 12 are not.
	h, err := password.NewBcrypt(0)
	require.NoError(t, err)
	assert.True(t, h.NeedsRehash(bcryptCost11Fixture))
	assert.False(t, h.NeedsRehash(bcryptCost12Fixture))
}

func TestBcryptNeedsRehash(t *testing.T) {
	t.Parallel()
	cost11, err := password.NewBcrypt(11)
	require.NoError(t, err)
	tests := []struct {
		name    string
		encoded string
		want    bool
	}{
		{"same cost", bcryptCost11Fixture, false},
		{"higher cost", bcryptCost12Fixture, false},
		{"$2b$ of the same cost", strings.Replace(bcryptCost11Fixture, "$2a$", "$2b$", 1), false},
		{"lower cost", bcryptCost10Fixture, true},
		{"legacy cost 4", bcryptCost4Fixture, true},
		{"argon2id", argon2idFixture, true},
		{"malformed", bcryptCost11Fixture[:59], true},
		{"unknown", "plaintext", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, cost11.NeedsRehash(tt.encoded))
		})
	}
}

func TestBcryptMalformed(t *testing.T) {
	t.Parallel()
	body := bcryptCost4Fixture[7:] // 22 characters of salt, 31 of hash
	tests := []struct {
		name    string
		encoded string
	}{
		{"truncated", bcryptCost4Fixture[:59]},
		{"trailing byte", bcryptCost4Fixture + "x"},
		{"version 2x", "$2x$04$" + body},
		{"version 2", "$2$04$" + body + "x"},
		{"version 3a", "$3a$04$" + body},
		{"one-digit cost", "$2a$4$" + body + "x"},
		{"cost with sign", "$2a$+4$" + body},
		{"cost below bcrypt's minimum", "$2a$03$" + body},
		{"cost above 20", "$2a$21$" + body},
		{"cost 31", "$2a$31$" + body},
		{"missing separator", "$2a$04x" + body},
		{"character outside bcrypt's base64", "$2a$04$" + body[:52] + "+"},
		{"space", "$2a$04$" + body[:52] + " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, err := password.Verify(tt.encoded, fixturePassword)
			assert.ErrorIs(t, err, password.ErrMalformedHash)
			assert.False(t, ok)
		})
	}
}

func TestBcryptAcceptMirrorsHash(t *testing.T) {
	t.Parallel()
	h, err := password.NewBcrypt(10)
	require.NoError(t, err)
	a, ok := h.(password.Accepter)
	require.True(t, ok, "bcrypt declares its limit")
	assert.NoError(t, a.Accept(strings.Repeat("a", 72)))
	err = a.Accept(strings.Repeat("a", 73))
	assert.ErrorIs(t, err, password.ErrTooLongForBcrypt)
	assert.ErrorIs(t, err, password.ErrInvalidPassword)

	argon, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)
	_, ok = argon.(password.Accepter)
	assert.False(t, ok, "argon2id takes any password the Rules allow")
}
