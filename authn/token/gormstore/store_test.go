package gormstore_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestRevokeToken(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		tok := f.issue(t, "bob")
		sibling := f.issue(t, "bob")
		require.NoError(t, f.verify(tok))

		s, err := f.issuer.Verify(ctx, tok.Value.Reveal())
		require.NoError(t, err)
		require.NoError(t, f.revocations.RevokeToken(ctx, s.CredentialID, s.ID, s.ExpiresAt))

		err = f.verify(tok)
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		assert.ErrorIs(t, err, authn.ErrInvalidToken)
		assert.NotErrorIs(t, err, authn.ErrTokenReused)
		assert.NoError(t, f.verify(sibling), "only the one token is revoked")
		assert.True(t, revoked(t, f.revocations, tok.ID, "bob", "", 0))
		assert.True(t, revoked(t, f.revocations, tok.ID, "someone-else", "", 0), "the id alone decides")

		// Revoking again is harmless.
		require.NoError(t, f.revocations.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt))
		assert.Equal(t, int64(1), countRows(t, f.db, "gatehouse_revoked_tokens"))

		// Nothing to clean up while the token could still be accepted: until
		// exp, and through the longest leeway after it.
		f.clk.Advance(tok.ExpiresAt.Sub(f.clk.Now()) + token.MaxLeeway)
		n, err := f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.True(t, revoked(t, f.revocations, tok.ID, "bob", "", 0))

		f.clk.Advance(time.Second)
		n, err = f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.Equal(t, int64(1), n)
		assert.False(t, revoked(t, f.revocations, tok.ID, "bob", "", 0), "forgotten in memory")
		assert.Zero(t, countRows(t, f.db, "gatehouse_revoked_tokens"), "and in the database")
		assert.ErrorIs(t, f.verify(tok), authn.ErrTokenExpired, "the token is dead anyway")
	})
}

func TestRevokeTokenKeepsTheLaterExpiry(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		now := f.clk.Now()
		require.NoError(t, f.revocations.RevokeToken(ctx, "jti-1", "bob", now.Add(time.Hour)))
		require.NoError(t, f.revocations.RevokeToken(ctx, "jti-1", "bob", now.Add(time.Minute)))

		f.clk.Advance(30 * time.Minute)
		n, err := f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.Zero(t, n)
		assert.True(t, revoked(t, f.revocations, "jti-1", "bob", "", 0))

		reopened, err := gormstore.New(ctx, f.database.Open(t), gormstore.Config{Now: f.clk.Now})
		require.NoError(t, err)
		assert.True(t, revoked(t, reopened, "jti-1", "bob", "", 0))
	})
}

func TestRevokeSubject(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		before := f.issue(t, "bob")
		alsoBefore := f.issue(t, "bob")
		carol := f.issue(t, "carol")

		require.NoError(t, f.revocations.RevokeSubject(ctx, "bob"))
		// Issued within the same second as the revocation: a timestamp could not
		// tell it from the ones before.
		after := f.issue(t, "bob")

		assert.ErrorIs(t, f.verify(before), authn.ErrTokenRevoked)
		assert.ErrorIs(t, f.verify(alsoBefore), authn.ErrTokenRevoked)
		assert.NoError(t, f.verify(after), "issued after the revocation")
		assert.NoError(t, f.verify(carol), "another subject")
		assert.Equal(t, float64(1), claimsOf(t, after.Value.Reveal())["gen"])
		_, hasGen := claimsOf(t, carol.Value.Reveal())["gen"]
		assert.False(t, hasGen)

		require.NoError(t, f.revocations.RevokeSubject(ctx, "bob"))
		latest := f.issue(t, "bob")
		assert.ErrorIs(t, f.verify(after), authn.ErrTokenRevoked)
		assert.NoError(t, f.verify(latest))
		s, err := f.issuer.Verify(ctx, latest.Value.Reveal())
		require.NoError(t, err)
		assert.Equal(t, float64(2), s.Claims["gen"])

		assert.Equal(t, []bool{true, true, false, false}, []bool{
			revoked(t, f.revocations, "any", "bob", "", 0),
			revoked(t, f.revocations, "any", "bob", "", 1),
			revoked(t, f.revocations, "any", "bob", "", 2),
			revoked(t, f.revocations, "any", "bob", "", 3),
		})

		// Cleanup never forgets subject revocations.
		f.clk.Advance(365 * 24 * time.Hour)
		_, err = f.revocations.Cleanup(ctx)
		require.NoError(t, err)
		assert.True(t, revoked(t, f.revocations, "any", "bob", "", 1))
	})
}

func TestRevocationsPersist(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		tok := f.issue(t, "bob")
		carol := f.issue(t, "carol")
		require.NoError(t, f.revocations.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt))
		require.NoError(t, f.revocations.RevokeSubject(ctx, "carol"))

		// A restart: a new Revocations on the same database.
		restarted, err := gormstore.New(ctx, f.database.Open(t), gormstore.Config{Now: f.clk.Now})
		require.NoError(t, err)
		assert.True(t, revoked(t, restarted, tok.ID, "bob", "", 0))
		assert.True(t, revoked(t, restarted, carol.ID, "carol", "", 0))
		assert.False(t, revoked(t, restarted, carol.ID, "carol", "", 1))
		issuer := newIssuer(t, f.clk, restarted)
		_, err = issuer.Verify(ctx, carol.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		fresh, err := issuer.Issue(ctx, "carol")
		require.NoError(t, err)
		assert.Equal(t, float64(1), claimsOf(t, fresh.Value.Reveal())["gen"], "the generation survives too")
	})
}

func TestReloadPicksUpAnotherInstance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		other, err := gormstore.New(ctx, f.database.Open(t), gormstore.Config{Now: f.clk.Now})
		require.NoError(t, err)
		tok := f.issue(t, "bob")
		carol := f.issue(t, "carol")

		require.NoError(t, other.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt))
		require.NoError(t, other.RevokeSubject(ctx, "carol"))
		assert.NoError(t, f.verify(tok), "memory only: not seen before Reload")
		assert.NoError(t, f.verify(carol))

		require.NoError(t, f.revocations.Reload(ctx))
		assert.ErrorIs(t, f.verify(tok), authn.ErrTokenRevoked)
		assert.ErrorIs(t, f.verify(carol), authn.ErrTokenRevoked)

		// Generations count revocations from every instance.
		require.NoError(t, f.revocations.RevokeSubject(ctx, "carol"))
		var gen int64
		require.NoError(t, f.db.Table("gatehouse_subject_revocations").Where("subject = ?", "carol").Select("generation").Scan(&gen).Error)
		assert.Equal(t, int64(2), gen)
	})
}

func TestRevokeSubjectIsAtomic(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		other, err := gormstore.New(ctx, f.database.Open(t), gormstore.Config{Now: f.clk.Now})
		require.NoError(t, err)
		tok := f.issue(t, "bob")

		const each = 5
		var wg sync.WaitGroup
		errs := make(chan error, 2*each)
		for _, r := range []*gormstore.Store{f.revocations, other} {
			for range each {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- r.RevokeSubject(ctx, "bob")
				}()
			}
		}
		// Decisions go on, from memory, while revocations are written.
		for range 50 {
			_ = f.verify(tok)
			_ = f.issue(t, "bob")
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		var gen int64
		require.NoError(t, f.db.Table("gatehouse_subject_revocations").Where("subject = ?", "bob").Select("generation").Scan(&gen).Error)
		assert.Equal(t, int64(2*each), gen, "no increment lost")
		require.NoError(t, f.revocations.Reload(ctx))
		assert.True(t, revoked(t, f.revocations, "x", "bob", "", 2*each-1))
		assert.False(t, revoked(t, f.revocations, "x", "bob", "", 2*each))
	})
}

func TestRevocationsRejectBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newRevocationFixture(t)
	exp := f.clk.Now().Add(time.Hour)
	tests := []struct {
		name    string
		revoke  func() error
		wantErr error
	}{
		{"token without id", func() error { return f.revocations.RevokeToken(ctx, "", "bob", exp) }, token.ErrInvalidRevocation},
		{"token id too long", func() error { return f.revocations.RevokeToken(ctx, strings.Repeat("j", 256), "bob", exp) }, token.ErrInvalidRevocation},
		{"token without subject", func() error { return f.revocations.RevokeToken(ctx, "jti-1", "", exp) }, token.ErrInvalidSubject},
		{"token without expiry", func() error { return f.revocations.RevokeToken(ctx, "jti-1", "bob", time.Time{}) }, token.ErrInvalidRevocation},
		{"subject empty", func() error { return f.revocations.RevokeSubject(ctx, "") }, token.ErrInvalidSubject},
		{"subject too long", func() error {
			return f.revocations.RevokeSubject(ctx, strings.Repeat("s", token.MaxSubjectLength+1))
		}, token.ErrInvalidSubject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.revoke(), tt.wantErr)
		})
	}
	assert.Zero(t, countRows(t, f.db, "gatehouse_revoked_tokens"), "nothing written")
	assert.Zero(t, countRows(t, f.db, "gatehouse_subject_revocations"), "nothing written")
	assert.False(t, revoked(t, f.revocations, "jti-1", "bob", "", 0))

	r, err := gormstore.New(ctx, nil, gormstore.Config{})
	assert.ErrorIs(t, err, token.ErrInvalidConfig)
	assert.Nil(t, r)
}

func TestFailedWritesChangeNothing(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		tok := f.issue(t, "bob")
		sqlDB, err := f.db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())

		assert.ErrorIs(t, f.revocations.RevokeToken(ctx, tok.ID, "bob", tok.ExpiresAt), token.ErrStore)
		assert.ErrorIs(t, f.revocations.RevokeSubject(ctx, "bob"), token.ErrStore)
		assert.ErrorIs(t, f.revocations.Reload(ctx), token.ErrStore)
		_, err = f.revocations.Cleanup(ctx)
		assert.ErrorIs(t, err, token.ErrStore)
		assert.False(t, revoked(t, f.revocations, tok.ID, "bob", "", 0), "memory follows the database, never leads it")
		assert.NoError(t, f.verify(tok))

		_, err = gormstore.New(ctx, f.db, gormstore.Config{})
		assert.ErrorIs(t, err, token.ErrStore)
	})
}

func TestRevocationTables(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		f := newRevocationFixtureOn(t, b)
		for _, table := range []string{"gatehouse_revoked_tokens", "gatehouse_revoked_families", "gatehouse_subject_revocations"} {
			assert.True(t, f.db.Migrator().HasTable(table), table)
		}
		for _, col := range []string{"jti", "subject", "expires_at"} {
			assert.True(t, f.db.Migrator().HasColumn("gatehouse_revoked_tokens", col), col)
		}
		for _, col := range []string{"family_id", "subject", "expires_at"} {
			assert.True(t, f.db.Migrator().HasColumn("gatehouse_revoked_families", col), col)
		}
		for _, col := range []string{"subject", "generation", "revoked_at"} {
			assert.True(t, f.db.Migrator().HasColumn("gatehouse_subject_revocations", col), col)
		}
		// Creating the tables again, as every process start does, is harmless.
		_, err := gormstore.New(context.Background(), f.db, gormstore.Config{})
		assert.NoError(t, err)
	})
}

// Logouts racing on two replicas are all stored and all counted in the
// store's revision, which peers rely on to notice a missed message.
func TestConcurrentRevocationsAreAllCounted(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		f := newRevocationFixtureOn(t, b)
		other, err := gormstore.New(ctx, f.database.Open(t), gormstore.Config{Now: f.clk.Now})
		require.NoError(t, err)
		replicas := []*gormstore.Store{f.revocations, other}
		exp := f.clk.Now().Add(time.Hour)

		const each = 8
		var wg sync.WaitGroup
		errs := make(chan error, 4*each)
		ready := make(chan struct{})
		for i := range 2 * each {
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-ready
				errs <- replicas[i%2].RevokeToken(ctx, fmt.Sprintf("jti-%d", i), "bob", exp)
			}()
			go func() {
				defer wg.Done()
				<-ready
				errs <- replicas[i%2].RevokeSubject(ctx, fmt.Sprintf("user-%d", i%3))
			}()
		}
		close(ready)
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, int64(2*each), countRows(t, f.db, "gatehouse_revoked_tokens"))
		var revision int64
		require.NoError(t, f.db.Table("gatehouse_revocation_state").Select("revision").Scan(&revision).Error)
		assert.Equal(t, int64(4*each), revision, "every revocation raised the revision once")
	})
}
