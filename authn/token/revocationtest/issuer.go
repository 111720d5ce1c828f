package revocationtest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// newIssuer returns an Issuer on r and the suite's clock.
func newIssuer(t testing.TB, r token.Revocations, now func() time.Time) *token.Issuer {
	t.Helper()
	key, err := token.HS256("k1", []byte("revocationtest-signing-key-0123456789"))
	require.NoError(t, err)
	issuer, err := token.New(token.Config{Issuer: "https://revocationtest.example", Keys: []token.Key{key}, Revocations: r, Now: now})
	require.NoError(t, err)
	return issuer
}

// Issuers on two handles of the list verify real tokens, and refuse them
// once revoked on either, in each of the three ways; the generation a
// token is issued with is the list's.
func testIssuer(t *testing.T, e *env) {
	ctx := context.Background()
	a, b := e.open(t), e.open(t)
	ia, ib := newIssuer(t, a, e.clk.Now), newIssuer(t, b, e.clk.Now)
	issue := func(i *token.Issuer, subject string, opts ...token.IssueOption) token.Token {
		t.Helper()
		tok, err := i.Issue(ctx, subject, opts...)
		require.NoError(t, err)
		return tok
	}
	verify := func(i *token.Issuer, tok token.Token) error {
		_, err := i.Verify(ctx, tok.Value.Reveal())
		return err
	}
	bob := issue(ia, "bob")
	sibling := issue(ia, "bob")
	phone := issue(ia, "bob", token.Family("fam-phone"))
	laptop := issue(ib, "bob", token.Family("fam-laptop"))
	carol := issue(ib, "carol")
	for _, tok := range []token.Token{bob, sibling, phone, laptop, carol} {
		require.NoError(t, verify(ia, tok))
		require.NoError(t, verify(ib, tok), "and cached from now on")
	}

	s, err := ia.Verify(ctx, bob.Value.Reveal())
	require.NoError(t, err)
	require.NoError(t, a.RevokeToken(ctx, s.CredentialID, s.ID, s.ExpiresAt))
	require.NoError(t, a.RevokeFamily(ctx, "fam-phone", "bob", ia.LatestExpiry()))
	require.NoError(t, b.RevokeSubject(ctx, "carol"))
	e.sync(t, a)
	e.sync(t, b)
	for name, i := range map[string]*token.Issuer{"a": ia, "b": ib} {
		for what, tok := range map[string]token.Token{"by id": bob, "by family": phone, "by subject": carol} {
			err := verify(i, tok)
			assert.ErrorIs(t, err, authn.ErrTokenRevoked, "%s: %s", name, what)
			assert.ErrorIs(t, err, authn.ErrInvalidCredentials, "%s: %s", name, what)
		}
		assert.NoError(t, verify(i, sibling), "%s: another token of the subject", name)
		assert.NoError(t, verify(i, laptop), "%s: another family of the subject", name)
	}

	fresh := issue(ia, "carol")
	s, err = ib.Verify(ctx, fresh.Value.Reveal())
	require.NoError(t, err, "a token issued after the revocation is good")
	assert.Equal(t, float64(1), s.Claims["gen"], "and carries the subject's generation")
	for _, r := range []token.Revocations{a, b} {
		assert.NoError(t, r.Err())
	}
}
