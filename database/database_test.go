package database_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/database"
)

func TestDialectorRejectsWhatItCannotUse(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"", "gatehouse.db", "sqlite:", "oracle://x", "mysql://", "mysql://host:3306", "redis://127.0.0.1"} {
		_, err := database.Dialector(dsn)
		assert.ErrorIs(t, err, database.ErrInvalidDSN, "%q", dsn)
	}
	_, err := database.Dialector("mysql://root:s3cret@db:3306")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret", "errors never carry the password")
}

func TestRedact(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "postgres://app:xxxxx@db:5432/app", database.Redact("postgres://app:hunter2@db:5432/app"))
	assert.Equal(t, "mysql://root@db:3306/test", database.Redact("mysql://root@db:3306/test"))
	assert.Equal(t, "sqlite:gatehouse.db", database.Redact("sqlite:gatehouse.db"))
	assert.Equal(t, "postgres:(unreadable DSN)", database.Redact("postgres://app:hunter 2%zz@db/app"), "an unreadable DSN keeps nothing but its scheme")
}

func TestOpenSQLite(t *testing.T) {
	t.Parallel()
	db, err := database.Open("sqlite:" + filepath.Join(t.TempDir(), "gatehouse.db"))
	require.NoError(t, err)
	sqlDB, err := db.DB()
	require.NoError(t, err)
	defer sqlDB.Close()
	require.NoError(t, sqlDB.PingContext(context.Background()))
}

// The servers are used when their DSNs are set; .ci/run sets them when the
// servers answer.
func TestOpenServers(t *testing.T) {
	t.Parallel()
	for _, env := range []string{"GATEHOUSE_TEST_POSTGRES", "GATEHOUSE_TEST_MYSQL"} {
		t.Run(env, func(t *testing.T) {
			dsn := os.Getenv(env)
			if dsn == "" {
				t.Skipf("%s is not set: no server to test against", env)
			}
			db, err := database.Open(dsn)
			require.NoError(t, err)
			sqlDB, err := db.DB()
			require.NoError(t, err)
			defer sqlDB.Close()
			require.NoError(t, sqlDB.PingContext(context.Background()))
			var one int
			require.NoError(t, db.Raw("SELECT 1").Scan(&one).Error)
			assert.Equal(t, 1, one)
		})
	}
}
