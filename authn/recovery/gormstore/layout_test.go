package gormstore_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/gormstore"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

var (
	bg      = context.Background()
	created = time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)
)

func TestNewRefusesNilDB(t *testing.T) {
	t.Parallel()
	s, err := gormstore.New(bg, nil)
	assert.ErrorIs(t, err, recovery.ErrConfig)
	assert.Nil(t, s)
}

func TestNewReportsMigrationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(bg)
	cancel()
	db := testdb.Open(t)
	s, err := gormstore.New(ctx, db)
	assert.ErrorIs(t, err, recovery.ErrStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, s)
	assert.False(t, db.Migrator().HasTable("gatehouse_recovery_codes"))
}

// The table has its four columns, (user_id, digest) as its primary key;
// a second New on it, as after a restart, finds it in place. The digest is
// binary; on MySQL and MariaDB user_id has a binary collation.
func TestTableLayout(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		open(t, db)
		open(t, db)
		migrator := db.Migrator()
		require.True(t, migrator.HasTable("gatehouse_recovery_codes"))
		columns, err := migrator.ColumnTypes("gatehouse_recovery_codes")
		require.NoError(t, err)
		var names, keys []string
		types := map[string]string{}
		for _, c := range columns {
			names = append(names, c.Name())
			types[c.Name()] = strings.ToLower(c.DatabaseTypeName())
			if pk, ok := c.PrimaryKey(); ok && pk {
				keys = append(keys, c.Name())
			}
		}
		assert.ElementsMatch(t, []string{"user_id", "digest", "used_at", "created_at"}, names)
		assert.ElementsMatch(t, []string{"user_id", "digest"}, keys)
		assert.Contains(t, []string{"blob", "bytea", "varbinary"}, types["digest"])

		if b != testdb.MySQL {
			return
		}
		var collations []string
		require.NoError(t, db.Raw(`SELECT COLLATION_NAME FROM information_schema.COLUMNS
			WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'gatehouse_recovery_codes' AND COLLATION_NAME IS NOT NULL`).Scan(&collations).Error)
		assert.Len(t, collations, 1, "user_id is the only text column")
		for _, c := range collations {
			assert.True(t, strings.HasSuffix(c, "_bin"), "collation %s", c)
		}
	})
}

// row is a row of the table as read back by hand.
type row struct {
	UserID    string
	Digest    []byte
	UsedAt    *time.Time
	CreatedAt time.Time
}

// A row holds the user id, the 32 bytes of the digest as given, when the
// code was made and, once used, when: the times passed, to the
// microsecond, never the database's clock.
func TestRowsHoldWhatTheyWereGiven(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		s := open(t, db)
		d := sha256.Sum256([]byte("a code"))
		require.NoError(t, s.Replace(bg, "usr_1", [][32]byte{d}, created))
		var rows []row
		require.NoError(t, db.Table("gatehouse_recovery_codes").Find(&rows).Error)
		require.Len(t, rows, 1)
		assert.Equal(t, "usr_1", rows[0].UserID)
		assert.Equal(t, d[:], rows[0].Digest)
		assert.Nil(t, rows[0].UsedAt)
		assert.True(t, created.Equal(rows[0].CreatedAt), "created at %s", rows[0].CreatedAt)

		used := created.Add(time.Hour + time.Microsecond)
		consumed, err := s.Consume(bg, "usr_1", d, used)
		require.NoError(t, err)
		require.True(t, consumed)
		rows = nil
		require.NoError(t, db.Table("gatehouse_recovery_codes").Find(&rows).Error)
		require.Len(t, rows, 1)
		require.NotNil(t, rows[0].UsedAt)
		assert.True(t, used.Equal(*rows[0].UsedAt), "used at %s", rows[0].UsedAt)
		assert.True(t, created.Equal(rows[0].CreatedAt), "created at is left alone")
	})
}

// countStatements counts every statement GORM sends on db from now on.
func countStatements(t *testing.T, db *gorm.DB) *atomic.Int64 {
	t.Helper()
	var n atomic.Int64
	count := func(*gorm.DB) { n.Add(1) }
	cb := db.Callback()
	require.NoError(t, cb.Query().After("gorm:query").Register("count", count))
	require.NoError(t, cb.Create().After("gorm:create").Register("count", count))
	require.NoError(t, cb.Update().After("gorm:update").Register("count", count))
	require.NoError(t, cb.Delete().After("gorm:delete").Register("count", count))
	require.NoError(t, cb.Row().After("gorm:row").Register("count", count))
	require.NoError(t, cb.Raw().After("gorm:raw").Register("count", count))
	return &n
}

// Consume, which runs on every login with a code, is one statement, and
// so are Remaining and DeleteUser; Replace is a delete and one insert of
// every code. A user id no user can have, or a repeated digest, sends
// none.
func TestStatementsPerCall(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	s := open(t, db)
	digests := [][32]byte{sha256.Sum256([]byte("1")), sha256.Sum256([]byte("2")), sha256.Sum256([]byte("3"))}
	n := countStatements(t, db)
	tests := []struct {
		name string
		call func() error
		want int64
	}{
		{"Replace", func() error { return s.Replace(bg, "usr_1", digests, created) }, 2},
		{"Replace with none", func() error { return s.Replace(bg, "usr_2", nil, created) }, 1},
		{"Consume", func() error { _, err := s.Consume(bg, "usr_1", digests[0], created); return err }, 1},
		{"Consume, a miss", func() error { _, err := s.Consume(bg, "usr_1", [32]byte{}, created); return err }, 1},
		{"Remaining", func() error { _, err := s.Remaining(bg, "usr_1"); return err }, 1},
		{"DeleteUser", func() error { _, err := s.DeleteUser(bg, "usr_1"); return err }, 1},
		{"Replace, invalid user", func() error {
			if err := s.Replace(bg, "usr\x00", digests, created); err == nil {
				t.Error("an invalid user id was kept")
			}
			return nil
		}, 0},
		{"Replace, repeated digest", func() error {
			if err := s.Replace(bg, "usr_1", append(digests, digests[0]), created); err == nil {
				t.Error("a repeated digest was kept")
			}
			return nil
		}, 0},
		{"Consume, invalid user", func() error { _, err := s.Consume(bg, "bad\xff", digests[0], created); return err }, 0},
		{"Remaining, invalid user", func() error { _, err := s.Remaining(bg, ""); return err }, 0},
		{"DeleteUser, invalid user", func() error { _, err := s.DeleteUser(bg, strings.Repeat("u", 65)); return err }, 0},
	}
	for _, tt := range tests {
		before := n.Load()
		require.NoError(t, tt.call(), tt.name)
		assert.Equal(t, tt.want, n.Load()-before, "%s: statements", tt.name)
	}
}

// A database that stops answering is an error, never a verdict: not a
// code consumed or refused, not a count of none.
func TestClosedDatabaseIsAnError(t *testing.T) {
	t.Parallel()
	db := testdb.Open(t)
	s := open(t, db)
	d := sha256.Sum256([]byte("a code"))
	require.NoError(t, s.Replace(bg, "usr_1", [][32]byte{d}, created))
	sqlDB, err := db.DB()
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())

	assert.Error(t, s.Replace(bg, "usr_1", [][32]byte{d}, created))
	consumed, err := s.Consume(bg, "usr_1", d, created)
	assert.Error(t, err)
	assert.False(t, consumed)
	_, err = s.Remaining(bg, "usr_1")
	assert.Error(t, err)
	_, err = s.DeleteUser(bg, "usr_1")
	assert.Error(t, err)
}
