package authz

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/internal/schema"
	"github.com/gatehouse-go/gatehouse/watch"
)

// gormStore persists the policy through Casbin's GORM adapter.
type gormStore struct {
	db      *gorm.DB
	table   string
	adapter *gormadapter.Adapter
	// id names this store (database and table) in change notifications,
	// so that engines on other stores sharing a channel ignore them.
	id string
	// key seals change notifications (watch.Seal): only processes that
	// read it from the store can announce an edit.
	key []byte
}

// policyRevision numbers the states of a policy table: every edit, from any
// process, raises revision by one in the transaction that writes it. An
// engine knows the revision its memory holds, so it can tell a peer's next
// edit (revision + 1, applied as it comes) from a gap (reload), and an edit
// of its own made on a policy a peer has changed since (refused, reloaded
// and checked again).
type policyRevision struct {
	PolicyTable string `gorm:"primaryKey;size:100"`
	StoreID     string `gorm:"size:32;not null"`
	Revision    int64  `gorm:"not null"`
	SealKey     string `gorm:"size:64;not null;default:''"`
}

// TableName is the table gatehouse keeps policy revisions in.
func (policyRevision) TableName() string { return "gatehouse_policy_revisions" }

// errStale refuses an edit made on a policy older than the store's.
var errStale = errors.New("the policy was changed by another process")

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

// openGormStore creates the policy and seed tables if they are missing.
func openGormStore(ctx context.Context, db *gorm.DB, table string) (*gormStore, error) {
	if !tableNamePattern.MatchString(table) {
		return nil, fmt.Errorf("%w: table name %q: use letters, digits and underscores", ErrStore, table)
	}
	var adapter *gormadapter.Adapter
	err := schema.Retry(ctx, func() error {
		if err := schema.Migrate(ctx, db, &policySeed{}, &policyRevision{}); err != nil {
			return fmt.Errorf("create seed and revision tables: %w", err)
		}
		// The adapter keeps the session it is given; one whose context
		// cannot be cancelled keeps a cancelled ctx from breaking later
		// loads, which pass their own.
		var err error
		adapter, err = gormadapter.NewAdapterByDBUseTableName(db.WithContext(context.WithoutCancel(ctx)), "", table)
		if err != nil {
			return fmt.Errorf("create table %s: %w", table, err)
		}
		// Subjects, roles and permissions differing only in case are
		// different names, in the store as in memory.
		return schema.ExactText(ctx, db, table)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	s := &gormStore{db: db, table: table, adapter: adapter}
	if err := s.ensureRevision(ctx); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	return s, nil
}

// ensureRevision creates the table's revision row if it is missing (the
// first process to get there names the store and draws its sealing key),
// and reads the store's id and key.
func (s *gormStore) ensureRevision(ctx context.Context) error {
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

// revision returns the store's current revision.
func (s *gormStore) revision(ctx context.Context) (int64, error) {
	return readRevision(s.db.WithContext(ctx), s.table)
}

func readRevision(db *gorm.DB, table string) (int64, error) {
	var row policyRevision
	if err := db.Where("policy_table = ?", table).Take(&row).Error; err != nil {
		return 0, fmt.Errorf("%w: read revision of %s: %w", ErrStore, table, err)
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

// seedAttempts bounds how often seed tries again after losing a race.
const seedAttempts = 5

// seed writes initial into the policy table if the table has never been
// seeded and is empty, and records the seeding either way, in one
// transaction. When several processes race to seed, one wins; the others
// fail, find its record and leave the table alone.
func (s *gormStore) seed(ctx context.Context, initial Policy) error {
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
			return fmt.Errorf("%w: seed %s: %w", ErrStore, s.table, ctx.Err())
		case <-time.After(time.Duration(attempt) * 20 * time.Millisecond):
		}
	}
	return fmt.Errorf("%w: seed %s: %w", ErrStore, s.table, err)
}

func (s *gormStore) seedOnce(ctx context.Context, initial Policy) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if seeded, err := s.seeded(tx); err != nil || seeded {
			return err
		}
		var rows int64
		if err := tx.Table(s.table).Count(&rows).Error; err != nil {
			return err
		}
		if rows == 0 {
			adapter, err := s.txAdapter(tx)
			if err != nil {
				return err
			}
			if err := addInBatches(adapter, "p", grantRules(initial.Grants)); err != nil {
				return err
			}
			if err := addInBatches(adapter, "g", roleRules(initial.Roles)); err != nil {
				return err
			}
			if _, err := bumpRevision(tx, s.table); err != nil {
				return err
			}
		}
		return tx.Create(&policySeed{PolicyTable: s.table, SeededAt: time.Now().UTC()}).Error
	})
}

// seeded reports whether the table has a seed record.
func (s *gormStore) seeded(db *gorm.DB) (bool, error) {
	var n int64
	err := db.Model(&policySeed{}).Where("policy_table = ?", s.table).Count(&n).Error
	return n > 0, err
}

func addInBatches(adapter *gormadapter.Adapter, ptype string, rules [][]string) error {
	for len(rules) > 0 {
		n := min(len(rules), seedBatch)
		if err := adapter.AddPolicies(ptype, ptype, rules[:n]); err != nil {
			return err
		}
		rules = rules[n:]
	}
	return nil
}

// load reads the whole policy through the adapter, in the order it was
// written, with the revision it is at, from one snapshot of the store; and
// validates every line against m's shape.
func (s *gormStore) load(ctx context.Context, m model.Model) (Policy, int64, error) {
	scratch := m.Copy()
	scratch.ClearPolicy()
	var revision int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if revision, err = readRevision(tx, s.table); err != nil {
			return err
		}
		adapter, err := s.txAdapter(tx)
		if err != nil {
			return err
		}
		return adapter.LoadPolicyCtx(ctx, scratch)
	}, s.snapshot())
	if err != nil {
		return Policy{}, 0, fmt.Errorf("%w: load %s: %w", ErrStore, s.table, err)
	}
	var p Policy
	for _, rule := range scratch["p"]["p"].Policy {
		g, err := grantFromFields(rule)
		if err != nil {
			return Policy{}, 0, &PolicyError{Source: s.table, Text: lineText("p", rule), Err: err}
		}
		p.Grants = append(p.Grants, g)
	}
	for _, rule := range scratch["g"]["g"].Policy {
		a, err := roleFromFields(rule)
		if err != nil {
			return Policy{}, 0, &PolicyError{Source: s.table, Text: lineText("g", rule), Err: err}
		}
		p.Roles = append(p.Roles, a)
	}
	return p, revision, nil
}

// snapshot returns the options of a transaction whose reads all see one
// state of the store. PostgreSQL reads committed data statement by
// statement unless asked for repeatable read; MySQL does so by default;
// SQLite's transactions are serialisable and take no options.
func (s *gormStore) snapshot() *sql.TxOptions {
	if s.db.Dialector.Name() == "sqlite" {
		return nil
	}
	return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
}

// apply persists one change in a single transaction, all of it or none,
// on a store at revision base, and returns the revision the change makes.
// If the store has moved past base it changes nothing and returns errStale.
func (s *gormStore) apply(ctx context.Context, c change, base int64) (int64, error) {
	var revision int64
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if revision, err = bumpRevision(tx, s.table); err != nil {
			return err
		}
		if revision != base+1 {
			return errStale
		}
		adapter, err := s.txAdapter(tx)
		if err != nil {
			return err
		}
		for _, g := range c.removeGrants {
			if err := adapter.RemovePolicyCtx(ctx, "p", "p", g.rule()); err != nil {
				return err
			}
		}
		for _, a := range c.removeRoles {
			if err := adapter.RemovePolicyCtx(ctx, "g", "g", a.rule()); err != nil {
				return err
			}
		}
		for _, g := range c.addGrants {
			if err := adapter.AddPolicyCtx(ctx, "p", "p", g.rule()); err != nil {
				return err
			}
		}
		for _, a := range c.addRoles {
			if err := adapter.AddPolicyCtx(ctx, "g", "g", a.rule()); err != nil {
				return err
			}
		}
		return nil
	})
	return revision, err
}

// txAdapter returns a GORM adapter bound to tx that skips migrations (the
// tables exist since openGormStore).
func (s *gormStore) txAdapter(tx *gorm.DB) (*gormadapter.Adapter, error) {
	gormadapter.TurnOffAutoMigrate(tx)
	adapter, err := gormadapter.NewAdapterByDBUseTableName(tx, "", s.table)
	if err != nil {
		return nil, fmt.Errorf("bind adapter to transaction: %w", err)
	}
	return adapter, nil
}

// lineText renders stored values as the policy line they form.
func lineText(ptype string, rule []string) string {
	return strings.Join(append([]string{ptype}, rule...), ", ")
}
