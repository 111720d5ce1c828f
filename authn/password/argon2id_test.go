package password_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn/password"
)

func TestArgon2idRoundTrip(t *testing.T) {
	t.Parallel()
	h, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)

	encoded, err := h.Hash(fixturePassword)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(encoded, "$argon2id$v=19$m=19456,t=2,p=1$"), encoded)
	fields := strings.Split(encoded, "$")
	require.Len(t, fields, 6)
	assert.Len(t, fields[4], 22, "16-byte salt in unpadded base64")
	assert.Len(t, fields[5], 43, "32-byte hash in unpadded base64")
	assert.NotContains(t, encoded, fixturePassword)
	assert.False(t, h.NeedsRehash(encoded))

	ok, err := h.Verify(encoded, fixturePassword)
	require.NoError(t, err)
	assert.True(t, ok)

	// A fresh salt for every hash: the same password never hashes the same.
	again, err := h.Hash(fixturePassword)
	require.NoError(t, err)
	assert.NotEqual(t, encoded, again)
}

func TestArgon2idVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		encoded  string
		password string
		want     bool
	}{
		{"fixture", argon2idFixture, fixturePassword, true},
		{"wrong password", argon2idFixture, "correct horse battery stapler", false},
		{"reference implementation vector", argon2idReference, argon2idReferencePassword, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, err := password.Verify(tt.encoded, tt.password)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ok)
		})
	}
}

func TestNewArgon2idParameters(t *testing.T) {
	t.Parallel()
	with := func(change func(*password.Argon2idParams)) password.Argon2idParams {
		p := password.DefaultArgon2idParams
		change(&p)
		return p
	}
	tests := []struct {
		name   string
		params password.Argon2idParams
		ok     bool
	}{
		{"default", password.DefaultArgon2idParams, true},
		{"OWASP 46 MiB, 1 iteration", with(func(p *password.Argon2idParams) { p.Memory, p.Iterations = 47104, 1 }), true},
		{"OWASP 12 MiB, 3 iterations", with(func(p *password.Argon2idParams) { p.Memory, p.Iterations = 12288, 3 }), true},
		{"OWASP 7 MiB, 5 iterations", with(func(p *password.Argon2idParams) { p.Memory, p.Iterations = 7168, 5 }), true},
		{"RFC 9106 first recommendation", password.Argon2idParams{Memory: 2 << 20, Iterations: 1, Parallelism: 4, SaltLength: 16, KeyLength: 32}, true},
		{"more lanes", with(func(p *password.Argon2idParams) { p.Parallelism = 4 }), true},
		{"longest salt and hash", with(func(p *password.Argon2idParams) { p.SaltLength, p.KeyLength = 64, 64 }), true},
		{"zero value", password.Argon2idParams{}, false},
		{"1 KiB too little memory", with(func(p *password.Argon2idParams) { p.Memory = 19455 }), false},
		{"46 MiB needs 1 iteration", with(func(p *password.Argon2idParams) { p.Memory, p.Iterations = 47104, 0 }), false},
		{"7 MiB needs 5 iterations", with(func(p *password.Argon2idParams) { p.Memory, p.Iterations = 7168, 4 }), false},
		{"many iterations do not excuse tiny memory", with(func(p *password.Argon2idParams) { p.Memory, p.Iterations = 4096, 64 }), false},
		{"too much memory", with(func(p *password.Argon2idParams) { p.Memory = 2<<20 + 1 }), false},
		{"too many iterations", with(func(p *password.Argon2idParams) { p.Iterations = 65 }), false},
		{"no lanes", with(func(p *password.Argon2idParams) { p.Parallelism = 0 }), false},
		{"short salt", with(func(p *password.Argon2idParams) { p.SaltLength = 15 }), false},
		{"long salt", with(func(p *password.Argon2idParams) { p.SaltLength = 65 }), false},
		{"short hash", with(func(p *password.Argon2idParams) { p.KeyLength = 15 }), false},
		{"long hash", with(func(p *password.Argon2idParams) { p.KeyLength = 65 }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := password.NewArgon2id(tt.params)
			if tt.ok {
				require.NoError(t, err)
				assert.NotNil(t, h)
				return
			}
			assert.ErrorIs(t, err, password.ErrInvalidParameters)
			assert.Nil(t, h)
		})
	}
}

func TestArgon2idMalformed(t *testing.T) {
	t.Parallel()
	valid := phc("m=19456,t=2,p=1", 16, 32)
	tests := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"argon2i", strings.Replace(valid, "argon2id", "argon2i", 1)},
		{"argon2d", strings.Replace(valid, "argon2id", "argon2d", 1)},
		{"version 16", strings.Replace(valid, "v=19", "v=16", 1)},
		{"no version", strings.Replace(valid, "$v=19", "", 1)},
		{"missing hash", valid[:strings.LastIndex(valid, "$")]},
		{"extra field", valid + "$AAAA"},
		{"text before", "x" + valid},
		{"parameters out of order", phc("t=2,m=19456,p=1", 16, 32)},
		{"missing parameter", phc("m=19456,t=2", 16, 32)},
		{"extra parameter", phc("m=19456,t=2,p=1,keyid=AAAA", 16, 32)},
		{"leading zero", phc("m=019456,t=2,p=1", 16, 32)},
		{"plus sign", phc("m=+19456,t=2,p=1", 16, 32)},
		{"negative", phc("m=-1,t=2,p=1", 16, 32)},
		{"spaces", phc("m=19456, t=2, p=1", 16, 32)},
		{"hex", phc("m=0x4c00,t=2,p=1", 16, 32)},
		{"overflow", phc("m=4294967296,t=2,p=1", 16, 32)},
		{"zero iterations", phc("m=19456,t=0,p=1", 16, 32)},
		{"zero lanes", phc("m=19456,t=2,p=0", 16, 32)},
		{"memory below 8 per lane", phc("m=15,t=2,p=2", 16, 32)},
		{"memory above 2 GiB", phc("m=2097153,t=1,p=1", 16, 32)},
		{"too many iterations", phc("m=19456,t=65,p=1", 16, 32)},
		{"too many lanes", phc("m=19456,t=2,p=256", 16, 32)},
		{"salt below 8 bytes", phc("m=19456,t=2,p=1", 7, 32)},
		{"salt above 64 bytes", phc("m=19456,t=2,p=1", 65, 32)},
		{"hash below 16 bytes", phc("m=19456,t=2,p=1", 16, 15)},
		{"hash above 64 bytes", phc("m=19456,t=2,p=1", 16, 65)},
		{"padded base64", strings.Replace(valid, "$c3Nzc3Nzc3Nzc3Nzc3Nzcw$", "$c3Nzc3Nzc3Nzc3Nzc3Nzcw==$", 1)},
		{"url-safe base64", strings.Replace(argon2idFixture, "+", "-", 1)},
		{"stray trailing bits", strings.Replace(valid, "$c3Nzc3Nzc3Nzc3Nzc3Nzcw$", "$c3Nzc3Nzc3Nzc3Nzc3Nzcx$", 1)},
		{"huge string", phc("m=19456,t=2,p=1", 16, 32) + strings.Repeat("A", 300)},
	}
	h, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, err := password.Verify(tt.encoded, fixturePassword)
			assert.ErrorIs(t, err, password.ErrMalformedHash)
			assert.False(t, ok)
			ok, err = h.Verify(tt.encoded, fixturePassword)
			assert.ErrorIs(t, err, password.ErrMalformedHash)
			assert.False(t, ok)
			assert.True(t, h.NeedsRehash(tt.encoded), "a hash that cannot be read must be replaced")
		})
	}
	// The well-formed base of the cases reads, and fails only on the
	// password, so each case above is refused for its own defect.
	ok, err := password.Verify(valid, fixturePassword)
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestArgon2idNeedsRehash(t *testing.T) {
	t.Parallel()
	h, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)
	tests := []struct {
		name    string
		encoded string
		want    bool
	}{
		{"same parameters", argon2idFixture, false},
		{"more memory", phc("m=47104,t=2,p=1", 16, 32), false},
		{"more iterations", phc("m=19456,t=3,p=1", 16, 32), false},
		{"other parallelism", phc("m=19456,t=2,p=4", 16, 32), false},
		{"longer salt and hash", phc("m=19456,t=2,p=1", 32, 64), false},
		{"less memory", phc("m=19455,t=2,p=1", 16, 32), true},
		{"fewer iterations", phc("m=47104,t=1,p=1", 16, 32), true},
		{"shorter salt", phc("m=19456,t=2,p=1", 8, 32), true},
		{"shorter hash", phc("m=19456,t=2,p=1", 16, 16), true},
		{"reference vector, 8-byte salt", argon2idReference, true},
		{"bcrypt", bcryptCost12Fixture, true},
		{"unknown", "plaintext", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, h.NeedsRehash(tt.encoded))
		})
	}
}
