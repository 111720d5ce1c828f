package gormstore_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pquerna/otp"
	pqtotp "github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/gormstore"
	"github.com/gatehouse-go/gatehouse/authn/totp/storetest"
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
			return func(t *testing.T) totp.Store { return open(t, database.Open(t)) }
		})
	})
}

func open(t *testing.T, db *gorm.DB) *gormstore.Store {
	t.Helper()
	s, err := gormstore.New(context.Background(), db)
	require.NoError(t, err)
	return s
}

var bg = context.Background()

func TestNewRefusesNilDB(t *testing.T) {
	t.Parallel()
	s, err := gormstore.New(bg, nil)
	assert.ErrorIs(t, err, totp.ErrConfig)
	assert.Nil(t, s)
}

func TestNewReportsMigrationFailure(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(bg)
	cancel()
	s, err := gormstore.New(ctx, testdb.Open(t))
	assert.ErrorIs(t, err, totp.ErrStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, s)
}

// New on a database that has the table already, as every process after
// the first finds it, keeps what it holds.
func TestNewKeepsTheTable(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		database := b.New(t)
		sealed := []byte("sealed secret")
		at := time.Date(2030, 1, 2, 3, 4, 5, 678901000, time.UTC)
		require.NoError(t, open(t, database.Open(t)).SetPending(bg, "usr_1", sealed, at))
		rec, found, err := open(t, database.Open(t)).Get(bg, "usr_1")
		require.NoError(t, err)
		require.True(t, found)
		assert.Equal(t, sealed, rec.Pending)
		assert.True(t, at.Equal(rec.UpdatedAt))
	})
}

// The table has the columns the documentation names, user_id its primary
// key, and its rows hold neither the secret nor anything that opens it.
func TestTableHoldsNoPlainSecret(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.Open(t)
		clock := authntest.NewClock(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC))
		key := bytes.Repeat([]byte{7}, totp.KeySize)
		mfa, err := totp.New(open(t, db), totp.Config{Issuer: "Example", Key: key, Now: clock.Now})
		require.NoError(t, err)
		e, err := mfa.Enroll(bg, "usr_1", "alice@example.com")
		require.NoError(t, err)
		code, err := pqtotp.GenerateCodeCustom(e.Secret.Reveal(), clock.Now(), pqtotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		require.NoError(t, err)
		require.NoError(t, mfa.Confirm(bg, "usr_1", code))
		_, err = mfa.Enroll(bg, "usr_1", "alice@example.com") // a pending one beside
		require.NoError(t, err)

		columns, err := db.Migrator().ColumnTypes("gatehouse_totp")
		require.NoError(t, err)
		var names []string
		for _, c := range columns {
			names = append(names, c.Name())
			if c.Name() == "user_id" {
				pk, ok := c.PrimaryKey()
				assert.True(t, ok && pk, "user_id is the primary key")
			}
		}
		assert.ElementsMatch(t, []string{"user_id", "pending", "active", "last_step", "activated_at", "updated_at"}, names)

		var rows []map[string]any
		require.NoError(t, db.Table("gatehouse_totp").Find(&rows).Error)
		require.Len(t, rows, 1)
		plain := []byte(e.Secret.Reveal())
		for column, value := range rows[0] {
			text := fmt.Sprint(value)
			if raw, ok := value.([]byte); ok {
				text = string(raw)
			}
			assert.NotContains(t, text, string(plain), "column %s holds the secret", column)
			assert.NotContains(t, text, string(key), "column %s holds the key", column)
		}
		assert.Len(t, rows[0]["active"], 49, "a sealed secret: version, nonce, secret and tag")
	})
}
