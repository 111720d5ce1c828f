package refresh_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

func TestNewRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		nilDB bool
		cfg   refresh.Config
	}{
		{"nil db", true, refresh.Config{}},
		{"negative token TTL", false, refresh.Config{TokenTTL: -time.Second}},
		{"negative family lifetime", false, refresh.Config{FamilyLifetime: -time.Hour}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := testdb.Open(t)
			if tt.nilDB {
				db = nil
			}
			s, err := refresh.New(context.Background(), db, tt.cfg)
			assert.ErrorIs(t, err, refresh.ErrInvalidConfig)
			assert.Nil(t, s)
			if db != nil {
				assert.False(t, db.Migrator().HasTable(table), "a refused config creates nothing")
			}
		})
	}
}

func TestNewCreatesTable(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		db := backend.Open(t)
		_, err := refresh.New(context.Background(), db, refresh.Config{})
		require.NoError(t, err)
		assert.True(t, db.Migrator().HasTable(table))
		for _, column := range []string{"id", "family_id", "subject", "token_hash", "created_at", "expires_at", "family_expires_at", "used_at", "revoked_at"} {
			assert.True(t, db.Migrator().HasColumn(table, column), column)
		}
		assert.True(t, db.Migrator().HasIndex(table, "idx_gatehouse_refresh_tokens_token_hash"))
	})
}

func TestSurvivesNewStoreOnSameFile(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, backend testdb.Backend) {
		ctx := context.Background()
		database := backend.New(t)
		c := authntest.NewClock(start)
		db := database.Open(t)
		first, err := refresh.New(ctx, db, refresh.Config{Now: c.Now})
		require.NoError(t, err)
		a, err := first.Issue(ctx, "alice")
		require.NoError(t, err)
		b, err := first.Rotate(ctx, a.Value.Reveal())
		require.NoError(t, err)
		bob, err := first.Issue(ctx, "bob")
		require.NoError(t, err)

		sqlDB, err := db.DB()
		require.NoError(t, err)
		require.NoError(t, sqlDB.Close())
		c.Advance(time.Hour)

		second, err := refresh.New(ctx, database.Open(t), refresh.Config{Now: c.Now})
		require.NoError(t, err)
		next, err := second.Rotate(ctx, b.Value.Reveal())
		require.NoError(t, err, "a token issued before the restart rotates after it")
		assert.Equal(t, a.FamilyID, next.FamilyID)
		assert.Equal(t, "alice", next.Subject)
		assert.Equal(t, start.Add(time.Hour+refresh.DefaultTokenTTL), next.ExpiresAt)

		_, err = second.Rotate(ctx, a.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenReused, "use before the restart is remembered")
		_, err = second.Rotate(ctx, next.Value.Reveal())
		assert.ErrorIs(t, err, authn.ErrTokenRevoked)
		_, err = second.Rotate(ctx, bob.Value.Reveal())
		assert.NoError(t, err, "another subject's family is untouched")
	})
}
