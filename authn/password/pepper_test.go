package password_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/password"
)

func newPepper(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func peppered(t *testing.T, h password.Hasher, pepper []byte, opts ...password.PepperOption) password.Hasher {
	t.Helper()
	p, err := password.Peppered(h, pepper, opts...)
	require.NoError(t, err)
	return p
}

// cheapBcrypt hashes with bcrypt at cost 4, which NewBcrypt refuses but
// which keeps tests fast under the race detector; like the package's
// hashers it verifies with password.Verify and wants nothing rehashed.
type cheapBcrypt struct{}

func (cheapBcrypt) Hash(pw string) (string, error) {
	if len(pw) > 72 {
		return "", password.ErrTooLongForBcrypt
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	return string(h), err
}
func (cheapBcrypt) Verify(encoded, pw string) (bool, error) { return password.Verify(encoded, pw) }
func (cheapBcrypt) NeedsRehash(string) bool                 { return false }

// countingHasher counts the verifications it does.
type countingHasher struct {
	password.Hasher
	verified atomic.Int32
}

func (c *countingHasher) Verify(encoded, pw string) (bool, error) {
	c.verified.Add(1)
	return c.Hasher.Verify(encoded, pw)
}

func TestPepperedRoundTrip(t *testing.T) {
	t.Parallel()
	argon, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)
	bcrypt10, err := password.NewBcrypt(10)
	require.NoError(t, err)
	pepper := newPepper(t, password.MinPepperLength)
	other := newPepper(t, password.MinPepperLength)

	tests := []struct {
		name   string
		inner  password.Hasher
		prefix string
	}{
		{"argon2id", argon, "$pepper$$argon2id$v=19$m=19456,t=2,p=1$"},
		{"bcrypt", bcrypt10, "$pepper$$2a$10$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := peppered(t, tt.inner, pepper)
			encoded, err := h.Hash(fixturePassword)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(encoded, tt.prefix), encoded)
			assert.NotContains(t, encoded, fixturePassword)
			assert.LessOrEqual(t, len(encoded), 255, "fits the users table's column")
			assert.False(t, h.NeedsRehash(encoded))

			ok, err := h.Verify(encoded, fixturePassword)
			require.NoError(t, err)
			assert.True(t, ok)
			ok, err = h.Verify(encoded, "correct horse battery stapler")
			require.NoError(t, err)
			assert.False(t, ok)

			// Without the pepper, nothing reads it: the hash alone tests
			// no guess.
			ok, err = password.Verify(encoded, fixturePassword)
			assert.ErrorIs(t, err, password.ErrMalformedHash)
			assert.False(t, ok)
			ok, err = tt.inner.Verify(encoded, fixturePassword)
			assert.ErrorIs(t, err, password.ErrMalformedHash)
			assert.False(t, ok)
			assert.True(t, tt.inner.NeedsRehash(encoded))
			// Nor does another pepper.
			ok, err = peppered(t, tt.inner, other).Verify(encoded, fixturePassword)
			require.NoError(t, err)
			assert.False(t, ok)
		})
	}
}

// Stored hashes must stay verifiable across versions of this package, so
// the construction is pinned: the inner hasher hashes the standard base64
// of HMAC-SHA256(pepper, password), behind the prefix "$pepper$".
func TestPepperedConstruction(t *testing.T) {
	t.Parallel()
	pepper := []byte("0123456789abcdef0123456789abcdef")
	encoded, err := peppered(t, cheapBcrypt{}, pepper).Hash(fixturePassword)
	require.NoError(t, err)
	inner, ok := strings.CutPrefix(encoded, "$pepper$")
	require.True(t, ok, encoded)

	mac := hmac.New(sha256.New, pepper)
	mac.Write([]byte(fixturePassword))
	mixed := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	ok, err = password.Verify(inner, mixed)
	require.NoError(t, err)
	assert.True(t, ok)
}

// The HMAC is 44 bytes whatever the password, so bcrypt's limits no longer
// bite: long passwords are accepted and told apart beyond 72 bytes, and NUL
// bytes count.
func TestPepperedLiftsBcryptLimits(t *testing.T) {
	t.Parallel()
	h := peppered(t, cheapBcrypt{}, newPepper(t, 32))
	_, isAccepter := h.(password.Accepter)
	assert.False(t, isAccepter, "a peppered hasher takes every password")

	long := strings.Repeat("a", 100)
	tests := []struct {
		name          string
		stored, tried string
		want          bool
	}{
		{"100 bytes", long, long, true},
		{"same first 72 bytes", long, long[:72], false},
		{"same first 99 bytes", long, long[:99] + "b", false},
		{"1000 four-byte characters", strings.Repeat("😀", 1000), strings.Repeat("😀", 1000), true},
		{"NUL byte", "abc\x00def", "abc\x00def", true},
		{"after a NUL byte", "abc\x00def", "abc\x00xyz", false},
		{"up to a NUL byte", "abc\x00def", "abc", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			encoded, err := h.Hash(tt.stored)
			require.NoError(t, err)
			ok, err := h.Verify(encoded, tt.tried)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ok)
		})
	}
}

func TestPepperedRefusesWeakPeppers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		inner  password.Hasher
		pepper []byte
		weak   bool // also matches authn.ErrWeakSecret
	}{
		{"31 bytes", cheapBcrypt{}, newPepper(t, 31), true},
		{"empty", cheapBcrypt{}, []byte{}, true},
		{"nil", cheapBcrypt{}, nil, true},
		{"nil hasher", nil, newPepper(t, 32), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := password.Peppered(tt.inner, tt.pepper)
			assert.ErrorIs(t, err, password.ErrInvalidParameters)
			if tt.weak {
				assert.ErrorIs(t, err, authn.ErrWeakSecret)
			}
			assert.Nil(t, h)
		})
	}
	for _, n := range []int{32, 64} {
		_, err := password.Peppered(cheapBcrypt{}, newPepper(t, n))
		assert.NoError(t, err, "%d bytes", n)
	}
}

func TestPepperedCopiesThePepper(t *testing.T) {
	t.Parallel()
	pepper := newPepper(t, 32)
	h := peppered(t, cheapBcrypt{}, pepper)
	encoded, err := h.Hash(fixturePassword)
	require.NoError(t, err)
	pepper[0] ^= 0xff
	ok, err := h.Verify(encoded, fixturePassword)
	require.NoError(t, err)
	assert.True(t, ok)
}

// A hash made before the pepper was introduced is refused unless the
// hasher accepts unpeppered hashes, and is due for rehashing either way.
func TestPepperedUnpepperedHashes(t *testing.T) {
	t.Parallel()
	pepper := newPepper(t, 32)
	strict := &countingHasher{Hasher: cheapBcrypt{}}
	migrating := peppered(t, cheapBcrypt{}, pepper, password.AcceptUnpeppered())
	legacy := []string{argon2idFixture, bcryptCost4Fixture}

	for _, encoded := range legacy {
		t.Run(encoded[:7], func(t *testing.T) {
			// Refused: an error, after the same verification work as a
			// peppered hash takes, so the time taken does not single out
			// the account.
			h := peppered(t, strict, pepper)
			before := strict.verified.Load()
			ok, err := h.Verify(encoded, fixturePassword)
			assert.ErrorIs(t, err, password.ErrMalformedHash)
			assert.False(t, ok)
			assert.Equal(t, before+1, strict.verified.Load(), "one verification")
			assert.True(t, h.NeedsRehash(encoded))

			// Accepted for migration: the plain password verifies, a wrong
			// one does not, and the hash is due for replacement.
			ok, err = migrating.Verify(encoded, fixturePassword)
			require.NoError(t, err)
			assert.True(t, ok)
			ok, err = migrating.Verify(encoded, "not the password")
			require.NoError(t, err)
			assert.False(t, ok)
			assert.True(t, migrating.NeedsRehash(encoded))

			// The replacement is peppered and is not replaced again.
			rehashed, err := migrating.Hash(fixturePassword)
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(rehashed, "$pepper$"))
			assert.False(t, migrating.NeedsRehash(rehashed))
			ok, err = migrating.Verify(rehashed, fixturePassword)
			require.NoError(t, err)
			assert.True(t, ok)
			// Once migrated, the hash does not verify with the plain
			// password: only through the pepper.
			ok, err = migrating.Verify(strings.TrimPrefix(rehashed, "$pepper$"), fixturePassword)
			require.NoError(t, err)
			assert.False(t, ok)
		})
	}
}

// Under one pepper the inner algorithm can change as without one: every
// peppered hash verifies, and those of another algorithm or weaker
// parameters are due for rehashing.
func TestPepperedAcrossAlgorithms(t *testing.T) {
	t.Parallel()
	pepper := newPepper(t, 32)
	argon, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)
	stronger, err := password.NewArgon2id(password.Argon2idParams{Memory: 47104, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32})
	require.NoError(t, err)
	bcrypt12, err := password.NewBcrypt(12)
	require.NoError(t, err)

	fromBcrypt, err := peppered(t, cheapBcrypt{}, pepper).Hash(fixturePassword)
	require.NoError(t, err)
	fromArgon, err := peppered(t, argon, pepper).Hash(fixturePassword)
	require.NoError(t, err)

	tests := []struct {
		name    string
		hasher  password.Hasher
		encoded string
		rehash  bool
	}{
		{"argon2id reads bcrypt", peppered(t, argon, pepper), fromBcrypt, true},
		{"bcrypt reads argon2id", peppered(t, bcrypt12, pepper), fromArgon, true},
		{"stronger argon2id reads weaker", peppered(t, stronger, pepper), fromArgon, true},
		{"same argon2id", peppered(t, argon, pepper), fromArgon, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
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

func TestPepperedMalformed(t *testing.T) {
	t.Parallel()
	argon, err := password.NewArgon2id(password.DefaultArgon2idParams)
	require.NoError(t, err)
	h := peppered(t, argon, newPepper(t, 32), password.AcceptUnpeppered())
	for _, encoded := range []string{"", "$pepper$", "$pepper$plaintext", "$pepper$$2a$04$short", "plaintext"} {
		ok, err := h.Verify(encoded, fixturePassword)
		assert.ErrorIs(t, err, password.ErrMalformedHash, "%q", encoded)
		assert.False(t, ok)
		assert.True(t, h.NeedsRehash(encoded), "%q", encoded)
	}
}
