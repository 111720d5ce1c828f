// Package tables creates the tables of authn's stores. Beyond
// schema.Migrate, it makes text compare exactly on MySQL and MariaDB, whose
// default collations ignore letter case, accents and trailing spaces: an
// email, a subject id or a throttled account name must match only itself,
// as it does on PostgreSQL and SQLite.
package tables

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// Migrate creates the tables and indexes of models if they are missing, as
// schema.Migrate does. On MySQL and MariaDB it creates them with a binary
// collation that does not pad (utf8mb4_0900_bin or utf8mb4_nopad_bin, else
// utf8mb4_bin), and converts a table created before with another one, so
// that every text comparison and unique index is exact.
func Migrate(ctx context.Context, db *gorm.DB, models ...any) error {
	if db.Dialector.Name() != "mysql" {
		return schema.Migrate(ctx, db, models...)
	}
	collation, err := exactCollation(ctx, db)
	if err != nil {
		return err
	}
	options := "CHARACTER SET utf8mb4 COLLATE " + collation
	if err := schema.Migrate(ctx, db.Set("gorm:table_options", options), models...); err != nil {
		return err
	}
	for _, model := range models {
		stmt := &gorm.Statement{DB: db}
		if err := stmt.Parse(model); err != nil {
			return fmt.Errorf("table of %T: %w", model, err)
		}
		table := stmt.Schema.Table
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
		// A table of an earlier version, created with the server's default
		// collation. Converting rebuilds it once; a replica racing to do the
		// same finds the work done or repeats it harmlessly.
		err = schema.Retry(ctx, func() error {
			return db.WithContext(ctx).Exec("ALTER TABLE " + quote(table) + " CONVERT TO " + options).Error
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
