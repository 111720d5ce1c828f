package schema_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/glebarez/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

func TestRetryStopsAtSuccessOrAfterThreeTries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	calls := 0
	err := schema.Retry(ctx, func() error {
		calls++
		if calls < 2 {
			return errors.New("table already exists")
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, calls)

	calls = 0
	boom := errors.New("disk full")
	err = schema.Retry(ctx, func() error { calls++; return boom })
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, 3, calls)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	calls = 0
	_ = schema.Retry(cancelled, func() error { calls++; return boom })
	assert.Equal(t, 1, calls, "a done context is not retried")
}

type widget struct {
	ID   int
	Name string `gorm:"uniqueIndex;size:50"`
}

func TestConcurrentMigrationsAllSucceed(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "schema.db") + "?_pragma=busy_timeout(5000)"
	const starters = 4
	errs := make([]error, starters)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
			if err != nil {
				errs[i] = err
				return
			}
			if sqlDB, err := db.DB(); err == nil {
				defer sqlDB.Close()
			}
			errs[i] = schema.Migrate(context.Background(), db, &widget{})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
}
