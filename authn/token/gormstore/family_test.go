package gormstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// Revoking a family revokes the access tokens issued with it, and only
// them, until the last of them would have expired.
func TestRevokeFamily(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		first := f.issue(t, "bob", token.Family("fam-a"))
		f.clk.Advance(10 * time.Minute)
		second := f.issue(t, "bob", token.Family("fam-a"))
		otherFamily := f.issue(t, "bob", token.Family("fam-b"))
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
		assert.True(t, familyRevoked(t, f.revocations, "fam-a"))
		assert.False(t, familyRevoked(t, f.revocations, "fam-b"))

		// Revoking again keeps the later expiry, in one row.
		require.NoError(t, f.revocations.RevokeFamily(ctx, "fam-a", "bob", until.Add(-time.Hour)))
		assert.Equal(t, int64(1), countRows(t, f.db, "gatehouse_revoked_families"))

		reopened, err := gormstore.New(ctx, f.database.Open(t), gormstore.Config{Now: f.clk.Now})
		require.NoError(t, err)
		assert.True(t, familyRevoked(t, reopened, "fam-a"), "the revocation is stored")

		// Kept while a token of the family could be accepted.
		f.clk.Set(until.Add(token.MaxLeeway))
		n, err := f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.True(t, familyRevoked(t, f.revocations, "fam-a"))
		f.clk.Advance(time.Second)
		n, err = f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		assert.False(t, familyRevoked(t, f.revocations, "fam-a"), "forgotten in memory")
		assert.Zero(t, countRows(t, f.db, "gatehouse_revoked_families"), "and in the database")
	})
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
	assert.False(t, familyRevoked(t, f.revocations, "fam-1"))

	sqlDB, err := f.db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	assert.ErrorIs(t, f.revocations.RevokeFamily(ctx, "fam-1", "bob", exp), token.ErrStore)
	assert.False(t, familyRevoked(t, f.revocations, "fam-1"), "memory follows the database, never leads it")
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
		require.Eventually(t, func() bool { return heard(z.revocations, "", "", "fam-a", 0) }, waitFor, tick)
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
		assert.True(t, familyRevoked(t, z.revocations, "fam-b"), "caught up by reloading")
		assert.ErrorIs(t, z.verify(missed), authn.ErrTokenRevoked)
	})
}
