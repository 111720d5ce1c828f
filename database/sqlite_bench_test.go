package database_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/database"
)

// record is a row shaped like the stores' own: a key, a hash, a time.
type record struct {
	ID      string `gorm:"primaryKey;size:64"`
	Subject string `gorm:"index;size:255"`
	Hash    []byte
	Expires time.Time
}

// BenchmarkSQLite measures the SQLite driver under the stores' two
// commonest statements, through database.Open and GORM as the stores run
// them: a row read by its key (a session or API key looked up on a
// request) in a table of 10,000, and a row inserted in its own transaction
// (a login, a token, a policy edit), durable when it returns.
func BenchmarkSQLite(b *testing.B) {
	ctx := context.Background()
	db, err := database.Open("sqlite:" + filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	sqlDB, err := db.DB()
	require.NoError(b, err)
	b.Cleanup(func() { _ = sqlDB.Close() })
	require.NoError(b, db.AutoMigrate(&record{}))
	const rows = 10000
	seed := make([]record, rows)
	expires := time.Now().Add(time.Hour).UTC()
	for i := range seed {
		seed[i] = record{ID: fmt.Sprintf("key-%05d", i), Subject: fmt.Sprintf("user-%d", i%100), Hash: make([]byte, 32), Expires: expires}
	}
	require.NoError(b, db.CreateInBatches(seed, 500).Error)

	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			var r record
			if err := db.WithContext(ctx).Take(&r, "id = ?", seed[i%rows].ID).Error; err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("insert", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			r := record{ID: fmt.Sprintf("new-%d", i), Subject: "user-1", Hash: make([]byte, 32), Expires: expires}
			if err := db.WithContext(ctx).Create(&r).Error; err != nil {
				b.Fatal(err)
			}
		}
	})
}
