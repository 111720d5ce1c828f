package password_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

// Every hasher reads every format, so an application can switch hashers in
// either direction and keep its users.
func TestVerifyAcrossHashers(t *testing.T) {
	t.Parallel()
	argon, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)
	bcrypt, err := password.NewBcrypt(0)
	require.NoError(t, err)

	tests := []struct {
		name    string
		hasher  password.Hasher
		encoded string
		rehash  bool
	}{
		{"argon2id reads bcrypt", argon, bcryptCost4Fixture, true},
		{"bcrypt reads argon2id", bcrypt, argon2idFixture, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := tt.hasher.Verify(tt.encoded, fixturePassword)
			require.NoError(t, err)
			assert.True(t, ok)
			ok, err = tt.hasher.Verify(tt.encoded, "not the password")
			require.NoError(t, err)
			assert.False(t, ok)
			assert.Equal(t, tt.rehash, tt.hasher.NeedsRehash(tt.encoded))
		})
	}
}

func TestVerifyUnknownAlgorithm(t *testing.T) {
	t.Parallel()
	for _, encoded := range []string{
		"",
		fixturePassword, // a password stored in plain text is never compared
		"$1$saltsalt$hash",
		"$5$rounds=5000$salt$hash",
		"$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA",
		"{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
		" $argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
	} {
		ok, err := password.Verify(encoded, fixturePassword)
		assert.ErrorIs(t, err, password.ErrMalformedHash, "%q", encoded)
		assert.False(t, ok)
	}
}
