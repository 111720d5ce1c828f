package gormstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/apikey/storetest"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// TestConformance runs the store suite on SQLite, and on PostgreSQL and
// MySQL/MariaDB when GATEHOUSE_TEST_POSTGRES and GATEHOUSE_TEST_MYSQL name
// servers. Each case gets a database of its own; each handle on it is a
// connection pool of its own, as another process would have.
func TestConformance(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		storetest.Run(t, func(t *testing.T) storetest.Open {
			database := b.New(t)
			return func(t *testing.T) apikey.Store { return open(t, database.Open(t)) }
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
	assert.ErrorIs(t, err, apikey.ErrInvalidConfig)
	assert.Nil(t, s)
}

func TestNewReportsMigrationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, err := gormstore.New(ctx, testdb.Open(t))
	assert.ErrorIs(t, err, apikey.ErrStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, s)
}

// The table is the one apikey has always created, so a database it wrote
// keeps its keys.
func TestTableLayout(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	open(t, db)
	migrator := db.Migrator()
	require.True(t, migrator.HasTable("gatehouse_api_keys"))
	columns, err := migrator.ColumnTypes("gatehouse_api_keys")
	require.NoError(t, err)
	var names []string
	for _, c := range columns {
		names = append(names, c.Name())
		if c.Name() == "id" {
			pk, ok := c.PrimaryKey()
			assert.True(t, ok && pk, "id is the primary key")
		}
	}
	assert.ElementsMatch(t,
		[]string{"id", "prefix", "hash", "owner_id", "name", "created_at", "expires_at", "revoked_at", "last_used_at"},
		names, "the table holds these columns and no others")

	// Read from SQLite directly: the driver's Migrator.GetIndexes logs its
	// query whatever the configured log level.
	var indexed []struct {
		Column string
		Unique bool
	}
	require.NoError(t, db.Raw(`SELECT ii.name AS "column", il."unique" AS "unique"
		FROM pragma_index_list('gatehouse_api_keys') AS il, pragma_index_info(il.name) AS ii`).Scan(&indexed).Error)
	unique := map[string]bool{}
	for _, idx := range indexed {
		unique[idx.Column] = unique[idx.Column] || idx.Unique
	}
	assert.True(t, unique["prefix"], "prefix is unique")
	assert.Contains(t, unique, "owner_id", "owner_id is indexed")
}

// A row as Keys writes it: the hash of the key, never the key; and a key
// written by the package before stores could be chosen (a row of the same
// table) verifies.
func TestTableHoldsNoPlainKey(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		database := b.New(t)
		db := database.Open(t)
		start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
		keys, err := apikey.New(open(t, db), apikey.Config{Now: func() time.Time { return start }})
		require.NoError(t, err)
		key, secret, err := keys.Create(ctx, "alice", "CI", nil)
		require.NoError(t, err)
		plain := secret.Reveal()

		var rows []map[string]any
		require.NoError(t, db.Table("gatehouse_api_keys").Find(&rows).Error)
		require.Len(t, rows, 1)
		row := rows[0]
		sum := sha256.Sum256([]byte(plain))
		assert.Equal(t, hex.EncodeToString(sum[:]), fmt.Sprint(row["hash"]), "only the SHA-256 of the whole key is stored")
		assert.Equal(t, key.ID, fmt.Sprint(row["id"]))
		assert.Equal(t, key.Prefix, fmt.Sprint(row["prefix"]))
		secretPart := plain[len(apikey.Scheme+key.Prefix+"_"):]
		for column, value := range row {
			assert.NotContains(t, fmt.Sprint(value), secretPart, "column %s holds the secret", column)
		}

		// Another process, on the database as it is.
		again, err := apikey.New(open(t, database.Open(t)), apikey.Config{Now: func() time.Time { return start.Add(time.Hour) }})
		require.NoError(t, err)
		subject, err := again.Verify(ctx, plain)
		require.NoError(t, err)
		assert.Equal(t, "alice", subject.ID)
		var lastUsed struct{ LastUsedAt time.Time }
		require.NoError(t, db.Table("gatehouse_api_keys").Select("last_used_at").Scan(&lastUsed).Error)
		assert.True(t, start.Add(time.Hour).Equal(lastUsed.LastUsedAt), "last_used_at %v", lastUsed.LastUsedAt)
	})
}
