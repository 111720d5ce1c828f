package gormstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

// Every supported driver's report of a taken identity is recognised as
// one in its own words, without GORM's translation and without the
// lookup Create falls back on; any other failure is not.
func TestDuplicateKnowsEveryDriver(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		db := b.New(t).OpenWith(t, &gorm.Config{})
		_, err := New(context.Background(), db)
		require.NoError(t, err)
		row := record{Issuer: "https://idp.example.com", Subject: "1", UserID: "usr_1", CreatedAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
		require.NoError(t, db.Create(&row).Error)
		again := row
		again.UserID = "usr_2"
		err = db.Create(&again).Error
		require.Error(t, err)
		assert.NotErrorIs(t, err, gorm.ErrDuplicatedKey, "untranslated")
		assert.True(t, duplicate(err), "%v", err)

		missing := row
		missing.Issuer = "https://other.example.com"
		err = db.Table("no_such_table").Create(&missing).Error
		require.Error(t, err)
		assert.False(t, duplicate(err), "%v", err)
		assert.False(t, duplicate(errors.New("disk full")))
	})
}
