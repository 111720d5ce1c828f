package token_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func (f revocationFixture) issueIn(t *testing.T, subject, family string) token.Token {
	t.Helper()
	tok, err := f.issuer.Issue(context.Background(), subject, token.Family(family))
	require.NoError(t, err)
	return tok
}

func TestIssueStampsFamily(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	issuer := newIssuer(t, authntest.NewClock(start), token.Config{Keys: []token.Key{hsKey(t, "hs-1")}})
	tok, err := issuer.Issue(ctx, "bob", token.Family("fam-1"))
	require.NoError(t, err)
	assert.Equal(t, "fam-1", decodeSegment(t, tok.Value.Reveal(), 1)["sid"])
	s, err := issuer.Verify(ctx, tok.Value.Reveal())
	require.NoError(t, err)
	assert.Equal(t, "fam-1", s.Claims["sid"])

	plain, err := issuer.Issue(ctx, "bob")
	require.NoError(t, err)
	_, hasSid := decodeSegment(t, plain.Value.Reveal(), 1)["sid"]
	assert.False(t, hasSid, "no sid unless given")

	for name, id := range map[string]string{"empty": "", "too long": strings.Repeat("f", token.MaxSubjectLength+1), "not UTF-8": "\xff"} {
		_, err := issuer.Issue(ctx, "bob", token.Family(id))
		assert.ErrorIs(t, err, token.ErrInvalidFamily, name)
	}
}

func TestVerifyChecksSid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sid     any
		wantErr error
	}{
		{"a family id", "fam-1", nil},
		{"empty", "", authn.ErrInvalidToken},
		{"not a string", 7, authn.ErrInvalidToken},
		{"null", nil, authn.ErrInvalidToken},
		{"too long", strings.Repeat("f", token.MaxSubjectLength+1), authn.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			issuer := newIssuer(t, authntest.NewClock(start), token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}})
			raw := forged(nil, func(_ time.Time, c jwt.MapClaims) { c["sid"] = tt.sid })(t, issuer, start)
			s, err := issuer.Verify(context.Background(), raw)
			if tt.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, tt.sid, s.Claims["sid"])
				return
			}
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// Revoking a family revokes the access tokens issued with it, and only
// them, until the last of them would have expired.
func TestRevokeFamily(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		first := f.issueIn(t, "bob", "fam-a")
		f.clk.Advance(10 * time.Minute)
		second := f.issueIn(t, "bob", "fam-a")
		otherFamily := f.issueIn(t, "bob", "fam-b")
		noFamily := f.issue(t, "bob")
		require.NoError(t, f.verify(second), "cached from now on")

		until := f.issuer.LatestExpiry()
		require.NoError(t, f.revocations.RevokeFamily(ctx, "fam-a", "bob", until))
		for name, tok := range map[string]token.Token{"first": first, "second": second} {
			err := f.verify(tok)
			assert.ErrorIs(t, err, authn.ErrTokenRevoked, name)
			assert.NotErrorIs(t, err, authn.ErrTokenReused, name)
		}
		assert.NoError(t, f.verify(otherFamily), "another family of the same subject")
		assert.NoError(t, f.verify(noFamily), "a token of no family")
		assert.True(t, f.revocations.IsFamilyRevoked("fam-a"))
		assert.False(t, f.revocations.IsFamilyRevoked("fam-b"))

		// Revoking again keeps the later expiry, in one row.
		require.NoError(t, f.revocations.RevokeFamily(ctx, "fam-a", "bob", until.Add(-time.Hour)))
		assert.Equal(t, int64(1), countRows(t, f.db, "gatehouse_revoked_families"))

		reopened, err := token.NewRevocations(ctx, f.database.Open(t), token.RevocationsConfig{Now: f.clk.Now})
		require.NoError(t, err)
		assert.True(t, reopened.IsFamilyRevoked("fam-a"), "the revocation is stored")

		// Kept while a token of the family could be accepted.
		f.clk.Set(until.Add(token.MaxLeeway))
		n, err := f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.True(t, f.revocations.IsFamilyRevoked("fam-a"))
		f.clk.Advance(time.Second)
		n, err = f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		assert.False(t, f.revocations.IsFamilyRevoked("fam-a"), "forgotten in memory")
		assert.Zero(t, countRows(t, f.db, "gatehouse_revoked_families"), "and in the database")
	})
}

// LatestExpiry is no earlier than the exp of any token Verify accepts that
// was issued by now: iat may run ahead by the leeway, and exp follow it by
// MaxLifetime.
func TestLatestExpiryCoversEveryAcceptedToken(t *testing.T) {
	t.Parallel()
	clk := authntest.NewClock(start)
	issuer := newIssuer(t, clk, token.Config{Audience: []string{"api"}, Keys: []token.Key{hsKey(t, "hs-1")}})
	latest := issuer.LatestExpiry()
	assert.Equal(t, start.Add(token.DefaultLeeway+token.DefaultMaxLifetimeFactor*token.DefaultTTL), latest)

	iat := start.Add(token.DefaultLeeway)
	claims := claimsAt(iat)
	claims["exp"] = iat.Add(token.DefaultMaxLifetimeFactor * token.DefaultTTL).Unix()
	s, err := issuer.Verify(context.Background(), forge(t, hsHeader(), claims, hmacSecret))
	require.NoError(t, err, "the longest-lived token Verify accepts now")
	assert.False(t, s.ExpiresAt.After(latest))
}

func TestRevokeFamilyRejectsBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newRevocationFixture(t)
	exp := f.clk.Now().Add(time.Hour)
	tests := []struct {
		name     string
		family   string
		subject  string
		expiries time.Time
		wantErr  error
	}{
		{"no family", "", "bob", exp, token.ErrInvalidFamily},
		{"family too long", strings.Repeat("f", token.MaxSubjectLength+1), "bob", exp, token.ErrInvalidFamily},
		{"no subject", "fam-1", "", exp, token.ErrInvalidSubject},
		{"no expiry", "fam-1", "bob", time.Time{}, token.ErrInvalidRevocation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, f.revocations.RevokeFamily(ctx, tt.family, tt.subject, tt.expiries), tt.wantErr)
		})
	}
	assert.Zero(t, countRows(t, f.db, "gatehouse_revoked_families"), "nothing written")
	assert.False(t, f.revocations.IsFamilyRevoked("fam-1"))

	sqlDB, err := f.db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	assert.ErrorIs(t, f.revocations.RevokeFamily(ctx, "fam-1", "bob", exp), token.ErrStore)
	assert.False(t, f.revocations.IsFamilyRevoked("fam-1"), "memory follows the database, never leads it")
}

// A family revoked on one replica is revoked on the other as soon as the
// message arrives, and after a reload by a replica that missed it.
func TestRevokeFamilyReachesPeers(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		a, z, n, _ := replicas(t, b, fastSync)
		tok, err := a.issuer.Issue(ctx, "bob", token.Family("fam-a"))
		require.NoError(t, err)
		require.NoError(t, z.verify(tok), "cached on z from now on")

		require.NoError(t, a.revocations.RevokeFamily(ctx, "fam-a", "bob", a.issuer.LatestExpiry()))
		require.Eventually(t, func() bool { return z.revocations.IsFamilyRevoked("fam-a") }, waitFor, tick)
		assert.ErrorIs(t, z.verify(tok), authn.ErrTokenRevoked)

		// While z is cut off, a's message is lost; z reloads on reconnecting.
		missed, err := a.issuer.Issue(ctx, "bob", token.Family("fam-b"))
		require.NoError(t, err)
		require.NoError(t, z.verify(missed))
		n.Disconnect()
		require.Eventually(t, func() bool { return z.revocations.Err() != nil }, waitFor, tick)
		require.NoError(t, a.revocations.RevokeFamily(ctx, "fam-b", "bob", a.issuer.LatestExpiry()))
		n.Reconnect()
		require.Eventually(t, func() bool { return z.revocations.Err() == nil }, waitFor, tick)
		assert.True(t, z.revocations.IsFamilyRevoked("fam-b"), "caught up by reloading")
		assert.ErrorIs(t, z.verify(missed), authn.ErrTokenRevoked)
	})
}
