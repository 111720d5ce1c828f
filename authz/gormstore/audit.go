package gormstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/gatehouse-go/gatehouse/authz"
)

// policyAudit is one edit of a policy table, written in the transaction of
// the edit: gatehouse_policy_audit is the policy's history.
type policyAudit struct {
	ID          int64  `gorm:"primaryKey;autoIncrement"`
	PolicyTable string `gorm:"size:100;not null;uniqueIndex:gatehouse_policy_audit_revision,priority:1;index:gatehouse_policy_audit_at,priority:1"`
	Revision    int64  `gorm:"not null;uniqueIndex:gatehouse_policy_audit_revision,priority:2"`
	// AtMicros is when the edit was made, in microseconds since the Unix
	// epoch: one reading on every database, whatever its time zone and
	// precision.
	AtMicros int64  `gorm:"not null;index:gatehouse_policy_audit_at,priority:2"`
	Actor    string `gorm:"size:256;not null;default:''"`
	Source   string `gorm:"size:256;not null;default:''"`
	// Removed and Added are the lines, as a JSON array each.
	Removed string `gorm:"type:text;not null"`
	Added   string `gorm:"type:text;not null"`
	// Subjects are the names the lines name, each between two unit
	// separators (\x1f), for a search by subject.
	Subjects string `gorm:"type:text;not null"`
}

// TableName is the table gatehouse keeps policies' histories in.
func (policyAudit) TableName() string { return "gatehouse_policy_audit" }

// subjectSeparator surrounds each name of policyAudit.Subjects.
const subjectSeparator = "\x1f"

// record writes e, the entry of an edit, within tx.
func (s *Store) record(tx *gorm.DB, e authz.AuditEntry) error {
	removed, err := json.Marshal(nonNil(e.Removed))
	if err != nil {
		return err
	}
	added, err := json.Marshal(nonNil(e.Added))
	if err != nil {
		return err
	}
	subjects := ""
	if names := e.Subjects(); len(names) > 0 {
		subjects = subjectSeparator + strings.Join(names, subjectSeparator) + subjectSeparator
	}
	row := policyAudit{PolicyTable: s.table, Revision: e.Revision, AtMicros: e.At.UnixMicro(),
		Actor: e.Actor.ID, Source: e.Actor.Source, Removed: string(removed), Added: string(added), Subjects: subjects}
	if err := tx.Create(&row).Error; err != nil {
		return fmt.Errorf("record the edit in %s: %w", row.TableName(), err)
	}
	return nil
}

func nonNil(lines []string) []string {
	if lines == nil {
		return []string{}
	}
	return lines
}

// History returns the edits of the store's policy table that q keeps,
// newest first.
func (s *Store) History(ctx context.Context, q authz.HistoryQuery) ([]authz.AuditEntry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = authz.DefaultHistoryLimit
	}
	db := s.db.WithContext(ctx).Where("policy_table = ?", s.table)
	if !q.Since.IsZero() {
		db = db.Where("at_micros >= ?", q.Since.UnixMicro())
	}
	if !q.Until.IsZero() {
		db = db.Where("at_micros < ?", q.Until.UnixMicro())
	}
	if q.Actor != "" {
		db = db.Where("actor = ?", q.Actor)
	}
	if q.Subject != "" {
		// The name between separators, found as it is written: LIKE
		// ignores case in SQLite, and each SQL has its own function.
		needle := subjectSeparator + q.Subject + subjectSeparator
		switch s.db.Dialector.Name() {
		case "postgres":
			db = db.Where("strpos(subjects, ?) > 0", needle)
		case "mysql":
			db = db.Where("LOCATE(?, subjects) > 0", needle)
		default:
			db = db.Where("instr(subjects, ?) > 0", needle)
		}
	}
	var rows []policyAudit
	if err := db.Order("revision DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("history of %s: %w", s.table, err)
	}
	out := make([]authz.AuditEntry, 0, len(rows))
	for _, row := range rows {
		e := authz.AuditEntry{Revision: row.Revision, At: time.UnixMicro(row.AtMicros).UTC(), Actor: authz.Actor{ID: row.Actor, Source: row.Source}}
		if err := json.Unmarshal([]byte(row.Removed), &e.Removed); err != nil {
			return nil, fmt.Errorf("history of %s: revision %d: %w", s.table, row.Revision, err)
		}
		if err := json.Unmarshal([]byte(row.Added), &e.Added); err != nil {
			return nil, fmt.Errorf("history of %s: revision %d: %w", s.table, row.Revision, err)
		}
		out = append(out, e)
	}
	return out, nil
}
