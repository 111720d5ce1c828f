package gormstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Tenants. Under a model with tenants a grant's tenant is in column v1 and
// a role assignment's in v2, where Casbin's RBAC with domains puts them.
// An engine restricted to some tenants (authz.WithTenants) loads only
// their rules through LoadTenants, which two indexes New creates, on
// (ptype, v1) and (ptype, v2), make fast on a table of millions of rows:
// a tenant's rules are found by its name, those of the tenants below it by
// the prefix "name/".

// tenantColumns names the column that holds the tenant of each kind of
// line.
var tenantColumns = []struct{ ptype, column string }{{"p", "v1"}, {"g", "v2"}}

// namesPerQuery bounds the tenants one query names, well under every
// database's limit of bind variables.
const namesPerQuery = 200

// LoadTenants is Load restricted to the lines whose tenant f matches (see
// authz.TenantFilter): the lines of f.Tenants and of every tenant below
// them, and of f.Above exactly; lines without a tenant never. It reads
// them from one snapshot, in the order they were written, with the
// revision of the whole table. Names are compared exactly: "%", "_" and
// quotes in a tenant's name are plain characters. Relations and parents
// ("g2" and "g3" rows) have no tenant, and engines restricted to some
// tenants hold none: it reads none of their rows and returns none. A
// filter that authz.TenantFilter.Validate refuses is refused with its
// error, matching authz.ErrInvalidTenant, before the database is asked
// anything.
func (s *Store) LoadTenants(ctx context.Context, f authz.TenantFilter) (authz.Policy, int64, error) {
	if err := f.Validate(); err != nil {
		return authz.Policy{}, 0, fmt.Errorf("load %s: %w", s.table, err)
	}
	return s.load(ctx, func(tx *gorm.DB) (authz.Policy, error) { return s.readTenants(tx, f) })
}

// readTenants reads the lines f matches within tx: per kind of line, the
// rows of the names of f, then the rows below the tenants of f. The
// queries may find a row twice, or a row whose tenant f does not match
// (lines without a tenant have a permission or nothing in the tenant's
// column); the reader keeps each row once, and only what f.Match keeps.
func (s *Store) readTenants(tx *gorm.DB, f authz.TenantFilter) (authz.Policy, error) {
	r := newRowReader(s.table)
	r.match, r.seen = f.Match, make(map[int64]bool)
	names := slices.Compact(slices.Sorted(slices.Values(slices.Concat(f.Tenants, f.Above))))
	for _, tc := range tenantColumns {
		for chunk := range slices.Chunk(names, namesPerQuery) {
			if err := s.readWhere(tx, r, tc.column, "ptype = ? AND "+tc.column+" IN ?", tc.ptype, chunk); err != nil {
				return authz.Policy{}, err
			}
		}
		for chunk := range slices.Chunk(f.Tenants, namesPerQuery) {
			var (
				below []string
				args  = []any{tc.ptype}
			)
			for _, tenant := range chunk {
				cond, values := s.belowCondition(tc.column, tenant)
				below = append(below, cond)
				args = append(args, values...)
			}
			where := "ptype = ? AND (" + strings.Join(below, " OR ") + ")"
			if err := s.readWhere(tx, r, tc.column, where, args...); err != nil {
				return authz.Policy{}, err
			}
		}
	}
	return r.inOrder(), nil
}

// readWhere reads the rows where holds into r, through the tenant index
// on column. SQLite, which has no statistics unless asked to gather them,
// would rather scan every line of the kind in the adapter's unique index,
// which holds every column: it is told which index to use.
func (s *Store) readWhere(tx *gorm.DB, r *rowReader, column, where string, args ...any) error {
	from := s.table
	if s.db.Dialector.Name() == "sqlite" {
		from += " INDEXED BY " + tenantIndexName(s.table, column)
	}
	rows, err := tx.Raw(selectRows+from+" WHERE "+where+" ORDER BY id", args...).Rows()
	if err != nil {
		return err
	}
	return r.read(rows)
}

// belowCondition returns the condition that column holds a tenant below
// tenant, whose name starts with tenant + "/", in a form the database
// answers from the tenant indexes. SQLite's LIKE ignores letter case and
// so cannot use them: there, the names starting with "acme/" are those
// from "acme/" up to, not including, "acme0" ('0' follows '/'), in the
// byte order of its default collation. Elsewhere LIKE with the prefix, its
// wildcards escaped, uses the index: MySQL's is of the exact (binary)
// collation New gives the table, PostgreSQL's of text_pattern_ops.
func (s *Store) belowCondition(column, tenant string) (string, []any) {
	if s.db.Dialector.Name() == "sqlite" {
		return "(" + column + " >= ? AND " + column + " < ?)", []any{tenant + "/", tenant + "0"}
	}
	return column + " LIKE ? ESCAPE '!'", []any{likeEscaper.Replace(tenant) + "/%"}
}

// likeEscaper makes LIKE's wildcards, and its escape character, plain
// characters of a pattern.
var likeEscaper = strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")

// ensureTenantIndexes creates the indexes LoadTenants reads by, if they
// are missing. A process racing another to create one finds it in place.
func (s *Store) ensureTenantIndexes(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	for _, tc := range tenantColumns {
		name := tenantIndexName(s.table, tc.column)
		if db.Migrator().HasIndex(s.table, name) {
			continue
		}
		column := tc.column
		if db.Dialector.Name() == "postgres" {
			// Serves LIKE 'prefix%' under any collation, and equality.
			column += " text_pattern_ops"
		}
		err := db.Exec(fmt.Sprintf("CREATE INDEX %s ON %s (ptype, %s)", name, s.table, column)).Error
		if err != nil && !db.Migrator().HasIndex(s.table, name) {
			return fmt.Errorf("create index %s on %s: %w", name, s.table, err)
		}
	}
	return nil
}

// tenantIndexName names the tenant index of table on column, within the
// 63 bytes PostgreSQL and MySQL allow.
func tenantIndexName(table, column string) string {
	name := "idx_" + table + "_tenant_" + column
	if len(name) <= 63 {
		return name
	}
	sum := sha256.Sum256([]byte(table))
	return "idx_" + hex.EncodeToString(sum[:8]) + "_tenant_" + column
}
