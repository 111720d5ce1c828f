// Package schema creates gatehouse's tables. Several processes of one
// application may start together on one database and race to create the
// same tables and indexes; the loser of such a race fails with "already
// exists" and, run again, finds them in place. Migrate and Retry try a few
// times so that a replica starting beside another does not fail to start.
package schema

import (
	"context"

	"gorm.io/gorm"
)

// attempts bounds Retry. Two are enough for a race between two processes;
// the third covers a race won by one process and continued by another.
const attempts = 3

// Retry runs create until it succeeds, at most a few times, and returns its
// last error. It stops early when ctx is done.
func Retry(ctx context.Context, create func() error) error {
	var err error
	for attempt := 0; attempt < attempts; attempt++ {
		if err = create(); err == nil || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// Migrate runs GORM's AutoMigrate for models under Retry.
func Migrate(ctx context.Context, db *gorm.DB, models ...any) error {
	return Retry(ctx, func() error { return db.WithContext(ctx).AutoMigrate(models...) })
}
