package gormstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/refresh/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/refresh/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// table is the store's table, which these tests read directly.
const table = "gatehouse_refresh_tokens"

// TestConformance runs the store suite on SQLite, and on PostgreSQL and
// MySQL/MariaDB when GATEHOUSE_TEST_POSTGRES and GATEHOUSE_TEST_MYSQL name
// servers. Each case gets a database of its own; each handle on it is a
// connection pool of its own, as another process would have.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open {
			database := b.New(t)
			return func(t *testing.T) refresh.Store { return open(t, database.Open(t)) }
		})
	})
}

func open(t *testing.T, db *gorm.DB) *gormstore.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return s
}

func TestNewRefusesNilDB(t *testing.T) {
	t.Parallel()
	s, err := gormstore.New(context.Background(), nil)
	assert.ErrorIs(t, err, refresh.ErrInvalidConfig)
	assert.Nil(t, s)
}

func TestNewReportsMigrationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := gormstore.New(ctx, testdb.Open(t))
	assert.ErrorIs(t, err, refresh.ErrStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, s)
}

// The table is the one refresh has always created, with its columns and
// indexes, so a database it wrote keeps its families.
func TestTableLayout(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		open(t, db)
		m := db.Migrator()
		require.True(t, m.HasTable(table))
		columns, err := m.ColumnTypes(table)
		require.NoError(t, err)
		var names []string
		for _, c := range columns {
			names = append(names, c.Name())
		}
		assert.ElementsMatch(t, []string{"id", "family_id", "subject", "token_hash", "created_at", "expires_at",
			"family_expires_at", "used_at", "revoked_at", "login_at", "methods"}, names, "the table holds these columns and no others")
		for _, index := range []string{"idx_gatehouse_refresh_tokens_token_hash", "idx_gatehouse_refresh_tokens_family_id",
			"idx_gatehouse_refresh_tokens_subject", "idx_gatehouse_refresh_tokens_family_expires_at"} {
			assert.True(t, m.HasIndex(table, index), index)
		}
	})
}

// A row written by the package before stores could be chosen, whose
// login time was not recorded, rotates, and its successor says so too.
func TestRowsWithoutLoginTime(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		s := open(t, db)
		at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		hash := fmt.Sprintf("%064x", 1)
		require.NoError(t, db.Table(table).Create(map[string]any{
			"id": fmt.Sprintf("%032x", 1), "family_id": fmt.Sprintf("%032x", 2), "subject": "alice",
			"token_hash": hash, "created_at": at, "expires_at": at.Add(time.Hour), "family_expires_at": at.Add(24 * time.Hour),
		}).Error)
		next := refresh.Record{ID: fmt.Sprintf("%032x", 3), TokenHash: fmt.Sprintf("%064x", 4), CreatedAt: at.Add(time.Minute), ExpiresAt: at.Add(time.Hour + time.Minute)}
		rot, err := s.Rotate(ctx, hash, next, at.Add(time.Minute))
		require.NoError(t, err)
		require.Equal(t, refresh.Rotated, rot.Outcome)
		assert.True(t, rot.Next.LoginAt.IsZero())
		got, found, err := s.Find(ctx, next.TokenHash)
		require.NoError(t, err)
		require.True(t, found)
		assert.True(t, got.LoginAt.IsZero())
		assert.Empty(t, got.Methods, "a family stored before methods were recorded has none")
		var loginAt []sql.NullTime
		require.NoError(t, db.Table(table).Where("token_hash = ?", next.TokenHash).Pluck("login_at", &loginAt).Error)
		require.Len(t, loginAt, 1)
		assert.False(t, loginAt[0].Valid, "NULL, as before")
	})
}

// The table, and the database file, hold the SHA-256 of each token, never
// the token.
func TestDatabaseHoldsNoPlainToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := testdb.Path(t)
	db := testdb.OpenFile(t, path)
	tokens, err := refresh.New(open(t, db), refresh.Config{})
	require.NoError(t, err)
	a, err := tokens.Issue(ctx, "alice")
	require.NoError(t, err)
	b, err := tokens.Rotate(ctx, a.Value.Reveal())
	require.NoError(t, err)
	issued := []refresh.Token{a, b}

	var rows []map[string]any
	require.NoError(t, db.Table(table).Find(&rows).Error)
	require.Len(t, rows, 2)
	dump := fmt.Sprint(rows)
	for _, tok := range issued {
		value := tok.Value.Reveal()
		assert.NotContains(t, dump, value)
		assert.NotContains(t, dump, strings.TrimPrefix(value, refresh.TokenPrefix))
		assert.Contains(t, dump, hashOf(value), "the SHA-256 is what is stored")
	}

	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	file, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, tok := range issued {
		assert.False(t, bytes.Contains(file, []byte(strings.TrimPrefix(tok.Value.Reveal(), refresh.TokenPrefix))), "the file holds no token")
	}
}
