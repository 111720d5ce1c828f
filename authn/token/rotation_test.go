package token_test

import (
	"context"
	"crypto/ed25519"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

func TestKeyRotation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	oldKey := rsKey(t, "2030-01")
	newKey := eddsaKey(t, "2030-02")
	oldPublic, err := token.RS256Public("2030-01", &rsaKey().PublicKey)
	require.NoError(t, err)

	before := newIssuer(t, clk, token.Config{Keys: []token.Key{oldKey}})
	oldToken, err := before.Issue(ctx, "bob")
	require.NoError(t, err)

	stages := []struct {
		name       string
		cfg        token.Config
		wantSigner string
		oldErr     error
	}{
		{"new key signs, old private key still verifies", token.Config{Keys: []token.Key{oldKey, newKey}, SigningKey: "2030-02"}, "2030-02", nil},
		{"old key kept as its public half", token.Config{Keys: []token.Key{newKey, oldPublic}}, "2030-02", nil},
		{"old key dropped", token.Config{Keys: []token.Key{newKey}}, "2030-02", authn.ErrInvalidToken},
	}
	for _, st := range stages {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			issuer := newIssuer(t, clk, st.cfg)

			s, err := issuer.Verify(ctx, oldToken.Value.Reveal())
			if st.oldErr != nil {
				assert.ErrorIs(t, err, st.oldErr)
				assert.NotErrorIs(t, err, authn.ErrTokenExpired)
			} else {
				require.NoError(t, err)
				assert.Equal(t, "bob", s.ID)
			}

			fresh, err := issuer.Issue(ctx, "carol")
			require.NoError(t, err)
			header := decodeSegment(t, fresh.Value.Reveal(), 0)
			assert.Equal(t, st.wantSigner, header["kid"])
			assert.Equal(t, "EdDSA", header["alg"])
			s, err = issuer.Verify(ctx, fresh.Value.Reveal())
			require.NoError(t, err)
			assert.Equal(t, "carol", s.ID)

			// Servers not yet rotated do not know the new key.
			_, err = before.Verify(ctx, fresh.Value.Reveal())
			assert.ErrorIs(t, err, authn.ErrInvalidToken)
		})
	}
}

func TestVerifyOnlyKeyVerifiesAnotherIssuersTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clk := authntest.NewClock(start)
	authServer := newIssuer(t, clk, token.Config{Keys: []token.Key{eddsaKey(t, "ed-1")}})
	public, err := token.EdDSAPublic("ed-1", edKey.Public().(ed25519.PublicKey))
	require.NoError(t, err)
	// The resource server signs its own tokens with another key, and trusts
	// the auth server's through its public key alone.
	resourceServer := newIssuer(t, clk, token.Config{Keys: []token.Key{hsKey(t, "hs-1"), public}})

	tok, err := authServer.Issue(ctx, "bob")
	require.NoError(t, err)
	s, err := resourceServer.Verify(ctx, tok.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, "bob", s.ID)
}
