package testdb_test

import (
	"database/sql"
	"os"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

type note struct {
	ID   int
	Text string
}

func TestOpenGivesEachCallItsOwnDatabase(t *testing.T) {
	t.Parallel()
	a, b := testdb.Open(t), testdb.Open(t)
	require.NoError(t, a.AutoMigrate(&note{}))
	require.NoError(t, a.Create(&note{Text: "only in a"}).Error)

	assert.False(t, b.Migrator().HasTable(&note{}), "b shares nothing with a")
}

func TestOpenFileSeesWhatAnEarlierOpenWrote(t *testing.T) {
	t.Parallel()
	path := testdb.Path(t)
	require.NoError(t, testdb.OpenFile(t, path).AutoMigrate(&note{}))
	require.NoError(t, testdb.OpenFile(t, path).Create(&note{Text: "kept"}).Error)

	var got note
	require.NoError(t, testdb.OpenFile(t, path).First(&got).Error)
	assert.Equal(t, "kept", got.Text)
}

func TestOpenWaitsForLocksAndClosesAtCleanup(t *testing.T) {
	t.Parallel()
	var pool *sql.DB
	t.Run("open", func(t *testing.T) {
		db := testdb.Open(t)
		var timeout int
		require.NoError(t, db.Raw("PRAGMA busy_timeout").Scan(&timeout).Error)
		assert.Equal(t, 30000, timeout)
		var err error
		pool, err = db.DB()
		require.NoError(t, err)
		require.NoError(t, pool.Ping())
	})
	assert.Error(t, pool.Ping(), "the subtest's cleanup closed its database")
}

func TestOpenWithKeepsTheConfigButSilencesItsLogger(t *testing.T) {
	t.Parallel()
	cfg := &gorm.Config{TranslateError: true}
	db := testdb.OpenWith(t, testdb.Path(t), cfg)
	require.NoError(t, db.AutoMigrate(&note{}))
	require.NoError(t, db.Create(&note{ID: 1}).Error)

	err := db.Create(&note{ID: 1}).Error
	assert.ErrorIs(t, err, gorm.ErrDuplicatedKey, "TranslateError is honoured")
	assert.Nil(t, cfg.Logger, "the caller's config is left alone")
}

func TestEachRunsEveryBackend(t *testing.T) {
	t.Parallel()
	var names []string
	for _, b := range testdb.Backends() {
		names = append(names, b.Name())
	}
	assert.Equal(t, []string{"sqlite", "postgres", "mysql"}, names)
	assert.False(t, testdb.SQLite.IsServer())
	assert.True(t, testdb.Postgres.IsServer())
	assert.True(t, testdb.MySQL.IsServer())

	var mu sync.Mutex
	ran := map[string]bool{}
	t.Run("each", func(t *testing.T) {
		testdb.Each(t, func(t *testing.T, b testdb.Backend) {
			mu.Lock()
			ran[b.Name()] = true
			mu.Unlock()
		})
	})
	assert.True(t, ran["sqlite"], "SQLite always runs")
	for _, b := range []testdb.Backend{testdb.Postgres, testdb.MySQL} {
		assert.Equal(t, os.Getenv(serverEnv(b)) != "", ran[b.Name()], "%s runs when its server is configured", b)
	}
}

func serverEnv(b testdb.Backend) string {
	if b == testdb.Postgres {
		return testdb.Servers[0]
	}
	return testdb.Servers[1]
}

// A Database opened twice is one database seen through two pools, as by
// two processes; two Databases never meet.
func TestDatabaseOpenedTwiceIsShared(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		d := b.New(t)
		assert.Equal(t, b, d.Backend())
		first, second := d.Open(t), d.Open(t)
		require.NoError(t, first.AutoMigrate(&note{}))
		require.NoError(t, first.Create(&note{ID: 1, Text: "seen by both"}).Error)
		var got note
		require.NoError(t, second.First(&got).Error)
		assert.Equal(t, "seen by both", got.Text)

		reopened, err := database.Open(d.DSN())
		require.NoError(t, err)
		t.Cleanup(func() {
			if sqlDB, err := reopened.DB(); err == nil {
				_ = sqlDB.Close()
			}
		})
		require.NoError(t, reopened.First(&got).Error, "the DSN names the same database")

		assert.False(t, b.Open(t).Migrator().HasTable(&note{}), "another database shares nothing")
		_, err = d.OpenWith(t, &gorm.Config{}).Migrator().ColumnTypes(&note{})
		assert.NoError(t, err)
	})
}
