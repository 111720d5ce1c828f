package schema_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/internal/schema"
	"github.com/gatehouse-go/gatehouse/internal/testdb"
)

type name struct {
	ID    int    `gorm:"primaryKey"`
	Value string `gorm:"size:50;not null;uniqueIndex"`
}

// spellings are distinct values that MySQL's default collations take for
// one another.
var spellings = []string{"alice", "Alice", "ALICE", "álice", "alice "}

func TestTextComparesExactly(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		require.NoError(t, schema.Migrate(ctx, db, &name{}))
		require.NoError(t, schema.Migrate(ctx, db, &name{}), "migrating again changes nothing")

		for i, v := range spellings {
			require.NoError(t, db.Create(&name{ID: i + 1, Value: v}).Error, "%q is a value of its own", v)
		}
		for i, v := range spellings {
			var found []name
			require.NoError(t, db.Where("value = ?", v).Find(&found).Error)
			assert.Equal(t, []name{{ID: i + 1, Value: v}}, found, "%q matches only itself", v)
		}
	})
}

// A table an earlier version created with the server's default collation
// is converted, keeping its rows.
func TestMigrateConvertsLooseTables(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, b testdb.Backend) {
		ctx := context.Background()
		db := b.Open(t)
		require.NoError(t, db.AutoMigrate(&name{})) // the server's default collation
		require.NoError(t, db.Create(&name{ID: 1, Value: "alice"}).Error)

		require.NoError(t, schema.Migrate(ctx, db, &name{}))
		require.NoError(t, db.Create(&name{ID: 2, Value: "Alice"}).Error)
		var n int64
		require.NoError(t, db.Model(&name{}).Where("value = ?", "alice").Count(&n).Error)
		assert.Equal(t, int64(1), n)
	})
}
