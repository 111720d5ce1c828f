package authz

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/casbin/casbin/v2/model"
	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/internal/schema"
)

// gormStore persists the policy through Casbin's GORM adapter.
type gormStore struct {
	db      *gorm.DB
	table   string
	adapter *gormadapter.Adapter
}

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
		if err := db.WithContext(ctx).AutoMigrate(&policySeed{}); err != nil {
			return fmt.Errorf("create seed table: %w", err)
		}
		// The adapter keeps the session it is given; one whose context
		// cannot be cancelled keeps a cancelled ctx from breaking later
		// loads, which pass their own.
		var err error
		adapter, err = gormadapter.NewAdapterByDBUseTableName(db.WithContext(context.WithoutCancel(ctx)), "", table)
		if err != nil {
			return fmt.Errorf("create table %s: %w", table, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	return &gormStore{db: db, table: table, adapter: adapter}, nil
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
// written, and validates every line against m's shape.
func (s *gormStore) load(ctx context.Context, m model.Model) (Policy, error) {
	scratch := m.Copy()
	scratch.ClearPolicy()
	if err := s.adapter.LoadPolicyCtx(ctx, scratch); err != nil {
		return Policy{}, fmt.Errorf("%w: load %s: %w", ErrStore, s.table, err)
	}
	var p Policy
	for _, rule := range scratch["p"]["p"].Policy {
		g, err := grantFromFields(rule)
		if err != nil {
			return Policy{}, &PolicyError{Source: s.table, Text: lineText("p", rule), Err: err}
		}
		p.Grants = append(p.Grants, g)
	}
	for _, rule := range scratch["g"]["g"].Policy {
		a, err := roleFromFields(rule)
		if err != nil {
			return Policy{}, &PolicyError{Source: s.table, Text: lineText("g", rule), Err: err}
		}
		p.Roles = append(p.Roles, a)
	}
	return p, nil
}

// apply persists one change in a single transaction: all of it or none.
func (s *gormStore) apply(ctx context.Context, c change) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
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
