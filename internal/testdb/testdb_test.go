package testdb_test

import (
	"database/sql"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

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
		assert.Equal(t, 5000, timeout)
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
