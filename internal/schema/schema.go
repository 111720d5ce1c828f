// Package schema creates gatehouse's tables. Several processes of one
// application may start together on one database and race to create the
// same tables and indexes; the loser of such a race fails with "already
// exists" and, run again, finds them in place. Migrate and Retry try a few
// times so that a replica starting beside another does not fail to start.
//
// On MySQL and MariaDB, whose default collations ignore letter case,
// accents and trailing spaces, Migrate also makes text compare exactly: an
// email, a subject id, a role name or a throttled account must match only
// itself, as it does on PostgreSQL and SQLite.
package schema

import (
	"context"
	"fmt"

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

// autoMigrate runs GORM's AutoMigrate for models under Retry.
func autoMigrate(ctx context.Context, db *gorm.DB, models ...any) error {
	return Retry(ctx, func() error { return db.WithContext(ctx).AutoMigrate(models...) })
}

// Migrate creates the tables and indexes of models if they are missing,
// under Retry. On MySQL and MariaDB it creates them with a binary collation
// that does not pad (utf8mb4_0900_bin or utf8mb4_nopad_bin, else
// utf8mb4_bin), and converts a table created before with another one, so
// that every text comparison and unique index is exact.
func Migrate(ctx context.Context, db *gorm.DB, models ...any) error {
	if db.Dialector.Name() != "mysql" {
		return autoMigrate(ctx, db, models...)
	}
	collation, err := exactCollation(ctx, db)
	if err != nil {
		return err
	}
	if err := autoMigrate(ctx, db.Set("gorm:table_options", tableOptions(collation)), models...); err != nil {
		return err
	}
	tables := make([]string, len(models))
	for i, model := range models {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(model); err != nil {
			return fmt.Errorf("table of %T: %w", model, err)
		}
		tables[i] = stmt.Schema.Table
	}
	return convert(ctx, db, collation, tables)
}

// ExactText makes text compare exactly in tables that exist already,
// created by code other than Migrate (Casbin's GORM adapter): on MySQL and
// MariaDB it converts them to the collation Migrate uses; elsewhere it does
// nothing.
func ExactText(ctx context.Context, db *gorm.DB, tables ...string) error {
	if db.Dialector.Name() != "mysql" {
		return nil
	}
	collation, err := exactCollation(ctx, db)
	if err != nil {
		return err
	}
	return convert(ctx, db, collation, tables)
}

func tableOptions(collation string) string {
	return "CHARACTER SET utf8mb4 COLLATE " + collation
}

// convert converts each of tables that has a text column of another
// collation. Converting rebuilds a table once; a replica racing to do the
// same finds the work done or repeats it harmlessly.
func convert(ctx context.Context, db *gorm.DB, collation string, tables []string) error {
	for _, table := range tables {
		var loose int64
		err := db.WithContext(ctx).Raw(`SELECT COUNT(*) FROM information_schema.COLUMNS
			WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
			AND COLLATION_NAME IS NOT NULL AND COLLATION_NAME <> ?`, table, collation).Scan(&loose).Error
		if err != nil {
			return fmt.Errorf("read collation of %s: %w", table, err)
		}
		if loose == 0 {
			continue
		}
		err = Retry(ctx, func() error {
			return db.WithContext(ctx).Exec("ALTER TABLE " + quote(table) + " CONVERT TO " + tableOptions(collation)).Error
		})
		if err != nil {
			return fmt.Errorf("make %s compare text exactly: %w", table, err)
		}
	}
	return nil
}

// exactCollation returns the server's binary utf8mb4 collation, preferring
// one that does not ignore trailing spaces: MySQL 8 has utf8mb4_0900_bin,
// MariaDB utf8mb4_nopad_bin, and older servers only utf8mb4_bin.
func exactCollation(ctx context.Context, db *gorm.DB) (string, error) {
	var names []string
	err := db.WithContext(ctx).Raw(`SELECT COLLATION_NAME FROM information_schema.COLLATIONS
		WHERE COLLATION_NAME IN ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')`).Scan(&names).Error
	if err != nil {
		return "", fmt.Errorf("list collations: %w", err)
	}
	for _, preferred := range []string{"utf8mb4_0900_bin", "utf8mb4_nopad_bin"} {
		for _, n := range names {
			if n == preferred {
				return n, nil
			}
		}
	}
	return "utf8mb4_bin", nil
}

// quote quotes a MySQL identifier; the table names are the stores' own.
func quote(name string) string { return "`" + name + "`" }
