package token_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

func TestKeys(t *testing.T) {
	t.Parallel()
	weakRSA, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	broken := *rsaKey()
	broken.D = weakRSA.D // a private exponent that does not match the modulus
	oddExponent := rsaKey().PublicKey
	oddExponent.E = 4
	mismatchedEd := append(ed25519.PrivateKey{}, edKey...)
	mismatchedEd[ed25519.SeedSize] ^= 1

	tests := []struct {
		name     string
		make     func() (token.Key, error)
		wantErr  error
		wantAlg  string
		wantSign bool
	}{
		{"HS256", func() (token.Key, error) { return token.HS256("hs-1", hmacSecret) }, nil, "HS256", true},
		{"HS256 longer secret", func() (token.Key, error) { return token.HS256("hs-1", make([]byte, 64)) }, nil, "HS256", true},
		{"HS256 31-byte secret", func() (token.Key, error) { return token.HS256("hs-1", hmacSecret[:31]) }, authn.ErrWeakSecret, "", false},
		{"HS256 no secret", func() (token.Key, error) { return token.HS256("hs-1", nil) }, authn.ErrWeakSecret, "", false},
		{"empty kid", func() (token.Key, error) { return token.HS256("", hmacSecret) }, token.ErrInvalidKey, "", false},
		{"kid with space", func() (token.Key, error) { return token.HS256("key 1", hmacSecret) }, token.ErrInvalidKey, "", false},
		{"kid with control character", func() (token.Key, error) { return token.HS256("key\n1", hmacSecret) }, token.ErrInvalidKey, "", false},
		{"kid not ASCII", func() (token.Key, error) { return token.HS256("clé", hmacSecret) }, token.ErrInvalidKey, "", false},
		{"kid of 64 characters", func() (token.Key, error) { return token.HS256(strings.Repeat("k", 64), hmacSecret) }, nil, "HS256", true},
		{"kid of 65 characters", func() (token.Key, error) { return token.HS256(strings.Repeat("k", 65), hmacSecret) }, token.ErrInvalidKey, "", false},
		{"RS256", func() (token.Key, error) { return token.RS256("rsa-1", rsaKey()) }, nil, "RS256", true},
		{"RS256 1024 bits", func() (token.Key, error) { return token.RS256("rsa-1", weakRSA) }, authn.ErrWeakSecret, "", false},
		{"RS256 nil", func() (token.Key, error) { return token.RS256("rsa-1", nil) }, token.ErrInvalidKey, "", false},
		{"RS256 inconsistent", func() (token.Key, error) { return token.RS256("rsa-1", &broken) }, token.ErrInvalidKey, "", false},
		{"RS256 bad kid", func() (token.Key, error) { return token.RS256("", rsaKey()) }, token.ErrInvalidKey, "", false},
		{"RS256Public", func() (token.Key, error) { return token.RS256Public("rsa-1", &rsaKey().PublicKey) }, nil, "RS256", false},
		{"RS256Public 1024 bits", func() (token.Key, error) { return token.RS256Public("rsa-1", &weakRSA.PublicKey) }, authn.ErrWeakSecret, "", false},
		{"RS256Public nil", func() (token.Key, error) { return token.RS256Public("rsa-1", nil) }, token.ErrInvalidKey, "", false},
		{"RS256Public even exponent", func() (token.Key, error) { return token.RS256Public("rsa-1", &oddExponent) }, token.ErrInvalidKey, "", false},
		{"EdDSA", func() (token.Key, error) { return token.EdDSA("ed-1", edKey) }, nil, "EdDSA", true},
		{"EdDSA short", func() (token.Key, error) { return token.EdDSA("ed-1", edKey[:32]) }, token.ErrInvalidKey, "", false},
		{"EdDSA public half mismatch", func() (token.Key, error) { return token.EdDSA("ed-1", mismatchedEd) }, token.ErrInvalidKey, "", false},
		{"EdDSAPublic", func() (token.Key, error) { return token.EdDSAPublic("ed-1", edKey.Public().(ed25519.PublicKey)) }, nil, "EdDSA", false},
		{"EdDSAPublic short", func() (token.Key, error) { return token.EdDSAPublic("ed-1", make([]byte, 31)) }, token.ErrInvalidKey, "", false},
		{"EdDSAPublic bad kid", func() (token.Key, error) { return token.EdDSAPublic("a b", make([]byte, 32)) }, token.ErrInvalidKey, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := tt.make()
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, token.Key{}, k)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantAlg, k.Algorithm())
			assert.Equal(t, tt.wantSign, k.CanSign())
			assert.NotEmpty(t, k.ID())
		})
	}
}

func TestHS256CopiesSecret(t *testing.T) {
	t.Parallel()
	clk := authntest.NewClock(start)
	secret := append([]byte(nil), hmacSecret...)
	k, err := token.HS256("hs-1", secret)
	require.NoError(t, err)
	issuer := newIssuer(t, clk, token.Config{Keys: []token.Key{k}})
	tok, err := issuer.Issue(t.Context(), "bob")
	require.NoError(t, err)

	secret[0] ^= 0xff // the caller's buffer is reused for something else
	_, err = issuer.Verify(t.Context(), tok.Value.Reveal())
	assert.NoError(t, err)
}

func TestZeroKeyIsUnusable(t *testing.T) {
	t.Parallel()
	var k token.Key
	assert.Empty(t, k.ID())
	assert.Empty(t, k.Algorithm())
	assert.False(t, k.CanSign())
}
