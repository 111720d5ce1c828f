package gormstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/internal/schema"
	"github.com/gatehouse-go/gatehouse/watch"
)

// DefaultTable is the table the policy is kept in unless WithTable says
// otherwise: the GORM adapter's own default, so that Casbin tools pointed
// at the same database see the same policy.
const DefaultTable = "casbin_rule"

// ErrInvalidTable reports a table name that is not a plain SQL identifier.
var ErrInvalidTable = errors.New("gormstore: invalid table")

// tableNamePattern keeps table names to plain identifiers: the GORM adapter
// writes them into SQL unquoted.
var tableNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)

// Option configures New.
type Option func(*Store)

// WithTable names the table the policy is kept in: a plain SQL identifier
// (letters, digits, underscore; not starting with a digit), at most 63
// bytes. Default DefaultTable. Stores on different tables of one database
// are independent.
func WithTable(name string) Option {
	return func(s *Store) { s.table = name }
}

// Store is an authz.SharedStore on a GORM database. Build one with New; it
// is safe for concurrent use, and any number of Stores, in one process or
// many, may share a database and table.
type Store struct {
	db    *gorm.DB
	table string
	// id names this store (database and table) in change notifications,
	// so that engines on other stores sharing a channel ignore them.
	id string
	// key seals change notifications (watch.Seal): only processes that
	// read it from the store can announce an edit.
	key []byte
}

var (
	_ authz.SharedStore = (*Store)(nil)
	_ authz.TenantStore = (*Store)(nil)
	_ authz.AuditStore  = (*Store)(nil)
)

// policyRevision numbers the states of a policy table: every edit, from any
// process, raises revision by one in the transaction that writes it.
type policyRevision struct {
	PolicyTable string `gorm:"primaryKey;size:100"`
	StoreID     string `gorm:"size:32;not null"`
	Revision    int64  `gorm:"not null"`
	SealKey     string `gorm:"size:64;not null;default:''"`
}

// TableName is the table gatehouse keeps policy revisions in.
func (policyRevision) TableName() string { return "gatehouse_policy_revisions" }

// policySeed records that a policy table has been seeded, so that a policy
// emptied on purpose is not seeded again at the next start.
type policySeed struct {
	PolicyTable string `gorm:"primaryKey;size:100"`
	SeededAt    time.Time
}

// TableName is the table gatehouse keeps seed records in.
func (policySeed) TableName() string { return "gatehouse_policy_seeds" }

// seedBatch bounds the rows inserted by one statement, well under the
// bind-variable limits of SQLite, PostgreSQL and MySQL.
const seedBatch = 500

// seedAttempts bounds how often Seed tries again after losing a race.
const seedAttempts = 5

// New returns a Store on db, creating its tables if they are missing: the
// policy table, with the unique index Casbin's adapter gives it and two
// indexes on the tenant columns for LoadTenants, and gatehouse's revision
// and seed tables. The first process to open a table
// names the store and draws its sealing key. ctx bounds this work; db is
// kept, and each call later runs with its own ctx.
//
// It returns an error matching ErrInvalidTable for a bad WithTable, and
// one matching authz.ErrStore when the database refuses.
func New(ctx context.Context, db *gorm.DB, opts ...Option) (*Store, error) {
	if db == nil {
		return nil, fmt.Errorf("%w: gormstore: nil *gorm.DB", authz.ErrStore)
	}
	s := &Store{db: db, table: DefaultTable}
	for _, opt := range opts {
		opt(s)
	}
	if !tableNamePattern.MatchString(s.table) {
		return nil, fmt.Errorf("%w: table name %q: use letters, digits and underscores", ErrInvalidTable, s.table)
	}
	err := schema.Retry(ctx, func() error {
		if err := schema.Migrate(ctx, db, &policySeed{}, &policyRevision{}, &policyAudit{}); err != nil {
			return fmt.Errorf("create seed, revision and audit tables: %w", err)
		}
		// The adapter keeps the session it is given; one whose context
		// cannot be cancelled keeps a cancelled ctx from breaking later
		// calls, which pass their own.
		if _, err := gormadapter.NewAdapterByDBUseTableName(db.WithContext(context.WithoutCancel(ctx)), "", s.table); err != nil {
			return fmt.Errorf("create table %s: %w", s.table, err)
		}
		// Subjects, roles and permissions differing only in case are
		// different names, in the store as in memory.
		if err := schema.ExactText(ctx, db, s.table); err != nil {
			return err
		}
		return s.ensureTenantIndexes(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: gormstore: %w", authz.ErrStore, err)
	}
	if err := s.ensureRevision(ctx); err != nil {
		return nil, fmt.Errorf("%w: gormstore: %w", authz.ErrStore, err)
	}
	return s, nil
}

// String names the store in errors: its table.
func (s *Store) String() string { return s.table }

// Table returns the name of the table the policy is kept in.
func (s *Store) Table() string { return s.table }

// ensureRevision creates the table's revision row if it is missing (the
// first process to get there names the store and draws its sealing key),
// and reads the store's id and key.
func (s *Store) ensureRevision(ctx context.Context) error {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return err
	}
	key, err := watch.NewKey()
	if err != nil {
		return err
	}
	row := policyRevision{PolicyTable: s.table, StoreID: hex.EncodeToString(random), SealKey: key}
	db := s.db.WithContext(ctx)
	err = schema.Retry(ctx, func() error {
		if err := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		// A row from before sealing has no key: the first process to see
		// it sets one.
		return db.Model(&policyRevision{}).Where("policy_table = ? AND seal_key = ?", s.table, "").
			Update("seal_key", key).Error
	})
	if err != nil {
		return fmt.Errorf("create revision of %s: %w", s.table, err)
	}
	var stored policyRevision
	if err := db.Where("policy_table = ?", s.table).Take(&stored).Error; err != nil {
		return fmt.Errorf("read revision of %s: %w", s.table, err)
	}
	if err := watch.CheckKey([]byte(stored.SealKey)); err != nil {
		return fmt.Errorf("sealing key of %s: %w", s.table, err)
	}
	s.id, s.key = stored.StoreID, []byte(stored.SealKey)
	return nil
}

// Identity returns the store's id and sealing key, read from its revision
// row when New opened it: the same for every process on this table.
func (s *Store) Identity(context.Context) (string, []byte, error) {
	return s.id, append([]byte(nil), s.key...), nil
}

// Revision returns the store's current revision.
func (s *Store) Revision(ctx context.Context) (int64, error) {
	return readRevision(s.db.WithContext(ctx), s.table)
}

func readRevision(db *gorm.DB, table string) (int64, error) {
	var row policyRevision
	if err := db.Where("policy_table = ?", table).Take(&row).Error; err != nil {
		return 0, fmt.Errorf("read revision of %s: %w", table, err)
	}
	return row.Revision, nil
}

// bumpRevision raises the table's revision within tx, which then holds the
// row until it ends, so edits from every process are serialised, and
// returns the new revision.
func bumpRevision(tx *gorm.DB, table string) (int64, error) {
	res := tx.Model(&policyRevision{}).Where("policy_table = ?", table).
		Update("revision", gorm.Expr("revision + 1"))
	if res.Error != nil {
		return 0, res.Error
	}
	if res.RowsAffected != 1 {
		return 0, fmt.Errorf("revision row of %s is missing", table)
	}
	return readRevision(tx, table)
}

// Seed writes initial into the policy table if the table has never been
// seeded and holds no row, of any kind, and records the seeding either
// way, in one
// transaction. When several processes race to seed, one wins; the others
// fail, find its record and leave the table alone.
func (s *Store) Seed(ctx context.Context, initial authz.Policy) error {
	var err error
	for attempt := 1; attempt <= seedAttempts; attempt++ {
		if err = s.seedOnce(ctx, initial); err == nil {
			return nil
		}
		if seeded, checkErr := s.seeded(s.db.WithContext(ctx)); checkErr == nil && seeded {
			return nil
		}
		// Back off a little so the winner can commit (SQLite refuses a
		// second writer at once rather than making it wait).
		select {
		case <-ctx.Done():
			return fmt.Errorf("seed %s: %w", s.table, ctx.Err())
		case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
		}
	}
	return fmt.Errorf("seed %s: %w", s.table, err)
}

func (s *Store) seedOnce(ctx context.Context, initial authz.Policy) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if seeded, err := s.seeded(tx); err != nil || seeded {
			return err
		}
		var rows int64
		if err := tx.Table(s.table).Count(&rows).Error; err != nil {
			return err
		}
		if rows == 0 && len(initial.Grants)+len(initial.Roles)+len(initial.Relations)+len(initial.Parents) > 0 {
			if err := s.insert(tx, lines(initial), true); err != nil {
				return err
			}
			revision, err := bumpRevision(tx, s.table)
			if err != nil {
				return err
			}
			if err := s.record(tx, authz.SeedEntry(initial, revision, time.Now())); err != nil {
				return err
			}
		}
		return tx.Create(&policySeed{PolicyTable: s.table, SeededAt: time.Now().UTC()}).Error
	})
}

// seeded reports whether the table has a seed record.
func (s *Store) seeded(db *gorm.DB) (bool, error) {
	var n int64
	err := db.Model(&policySeed{}).Where("policy_table = ?", s.table).Count(&n).Error
	return n > 0, err
}

// Load reads the whole policy, in the order it was written, with the
// revision it is at, from one snapshot of the database: grants, role
// assignments, relations and parents, each kind in the order of its rows.
// A row that does not have the values of its kind of line (4 or 5 for a
// grant, 2 or 3 for a role assignment, the tenant being the fifth or
// third; 3 for a relation, none empty, or 4 with its expiry as
// authz.ExpiryValue writes it; 2 for a parent, neither empty), or whose
// ptype is none of "p", "g", "g2" and "g3", is returned as a
// *authz.PolicyError.
func (s *Store) Load(ctx context.Context) (authz.Policy, int64, error) {
	return s.load(ctx, s.readAll)
}

// load reads a policy with read, and the revision, from one snapshot.
func (s *Store) load(ctx context.Context, read func(tx *gorm.DB) (authz.Policy, error)) (authz.Policy, int64, error) {
	var (
		p        authz.Policy
		revision int64
	)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if revision, err = readRevision(tx, s.table); err != nil {
			return err
		}
		p, err = read(tx)
		return err
	}, s.snapshot())
	if err != nil {
		return authz.Policy{}, 0, fmt.Errorf("load %s: %w", s.table, err)
	}
	return p, revision, nil
}

// snapshot returns the options of a transaction whose reads all see one
// state of the database. PostgreSQL reads committed data statement by
// statement unless asked for repeatable read; MySQL does so by default;
// SQLite's transactions are serialisable and take no options.
func (s *Store) snapshot() *sql.TxOptions {
	if s.db.Dialector.Name() == "sqlite" {
		return nil
	}
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// Apply persists c in a single transaction, all of it or none, with its
// entry in the policy's history (gatehouse_policy_audit), on a store at
// revision base, and returns the revision the change makes. If the
// store has moved past base, or c removes a line the table lacks or adds
// one it has, it changes nothing and returns an error matching
// authz.ErrStale.
func (s *Store) Apply(ctx context.Context, c authz.Change, base int64) (int64, error) {
	var revision int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if revision, err = bumpRevision(tx, s.table); err != nil {
			return err
		}
		if revision != base+1 {
			return fmt.Errorf("%w: %s is at revision %d, not %d", authz.ErrStale, s.table, revision-1, base)
		}
		for _, p := range []struct {
			policy authz.Policy
			remove bool
		}{
			{authz.Policy{Grants: c.RemoveGrants, Roles: c.RemoveRoles, Relations: c.RemoveRelations, Parents: c.RemoveParents}, true},
			{authz.Policy{Grants: c.AddGrants, Roles: c.AddRoles, Relations: c.AddRelations, Parents: c.AddParents}, false},
		} {
			for _, row := range lines(p.policy) {
				if err := s.applyRow(tx, row, p.remove); err != nil {
					return err
				}
			}
		}
		// The history's entry commits with the edit, or neither does.
		return s.record(tx, authz.AuditEntryOf(c, revision))
	})
	if err != nil {
		return 0, err
	}
	return revision, nil
}

// applyRow removes or adds the row of one line within tx, after checking
// that the table holds it, or does not.
func (s *Store) applyRow(tx *gorm.DB, row gormadapter.CasbinRule, remove bool) error {
	if remove {
		n, err := s.remove(tx, row)
		if err == nil && n == 0 {
			err = fmt.Errorf("%w: %s holds no line %q", authz.ErrStale, s.table, describe(row))
		}
		return err
	}
	n, err := s.count(tx, row)
	if err == nil && n > 0 {
		err = fmt.Errorf("%w: %s already holds %q", authz.ErrStale, s.table, describe(row))
	}
	if err != nil {
		return err
	}
	return s.insert(tx, []gormadapter.CasbinRule{row}, false)
}

// describe returns row as a policy line.
func describe(row gormadapter.CasbinRule) string {
	values := []string{row.Ptype, row.V0, row.V1, row.V2, row.V3, row.V4, row.V5}
	for len(values) > 1 && values[len(values)-1] == "" {
		values = values[:len(values)-1]
	}
	return strings.Join(values, ", ")
}
