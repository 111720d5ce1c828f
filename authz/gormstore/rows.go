package gormstore

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	gormadapter "github.com/casbin/gorm-adapter/v3"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/gatehouse-go/gatehouse/authz"
)

// Rows. The policy table has the layout of Casbin's GORM adapter: an id
// that orders the rows as they were written, the line's kind in ptype ("p",
// "g", "g2" or "g3") and its values in v0…v5, unused ones empty. A grant is
// "p, sub, perm, scope, eft", or with its tenant second "p, sub, dom, perm,
// scope, eft"; a role assignment "g, member, role", or with its tenant
// third "g, member, role, dom": the columns Casbin's RBAC with domains
// uses, so that Casbin reads the same table. A relation is "g2, subject,
// role, type:id", with its expiry fourth ("until 2026-12-04T17:00:00Z")
// when it has one, and a resource's parent "g3, type:id, type:id": a role
// held in a domain and a resource's group, as Casbin writes them. Rows are
// read and written here with plain SQL, which reads a large table several
// times faster than the adapter and matches every column exactly.

// errRowShape reports a row that is no line of gatehouse's: neither a
// grant nor a role assignment, a relation or a parent.
var errRowShape = errors.New("not a policy line gatehouse reads")

// selectRows is the start of every query that reads lines: the columns
// rowReader scans, in its order.
const selectRows = "SELECT id, ptype, v0, v1, v2, v3, v4, v5 FROM "

// rowReader turns rows of the policy table into a policy, line by line.
// Equal values share one string: a large policy repeats its tenants,
// permissions, scopes and effects on most of its rows.
type rowReader struct {
	source string
	names  map[string]string
	policy authz.Policy
	// match, when set, keeps only the lines of the tenants it matches;
	// the ids of the lines kept are then recorded, so that the rows of
	// several queries can be put back in the order written (sorted).
	match    func(tenant string) bool
	seen     map[int64]bool
	grantIDs []int64
	roleIDs  []int64
}

func newRowReader(source string) *rowReader {
	return &rowReader{source: source, names: make(map[string]string)}
}

// read scans every row of rows, in order, and closes rows.
func (r *rowReader) read(rows *sql.Rows) error {
	defer rows.Close()
	var (
		id     int64
		values [7]sql.RawBytes
		dest   = [8]any{&id}
	)
	for i := range values {
		dest[i+1] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest[:]...); err != nil {
			return err
		}
		if r.seen != nil {
			if r.seen[id] {
				continue
			}
			r.seen[id] = true
		}
		n := len(values) - 1
		for n > 0 && len(values[n]) == 0 {
			n--
		}
		rule := make([]string, n)
		for i := range rule {
			rule[i] = r.intern(values[i+1])
		}
		if err := r.add(id, r.intern(values[0]), rule); err != nil {
			return err
		}
	}
	return rows.Err()
}

// intern returns b as a string, one string for equal values.
func (r *rowReader) intern(b []byte) string {
	if s, ok := r.names[string(b)]; ok {
		return s
	}
	s := string(b)
	r.names[s] = s
	return s
}

// add appends the line ptype, rule, read from row id, to the policy, or
// reports it as a *authz.PolicyError if it does not have the values of its
// kind of line. A reader restricted to some tenants (match) keeps no
// relation or parent, which have no tenant, but still checks their shape.
func (r *rowReader) add(id int64, ptype string, rule []string) error {
	values, expiry := len(rule), ""
	if values > 0 && strings.HasPrefix(rule[values-1], "until ") {
		values, expiry = values-1, rule[values-1]
	}
	switch {
	case (ptype == "p" || ptype == "g") && expiry != "" && !canonicalExpiry(expiry):
		return r.badRow(ptype, rule, "an expiry is \"until\" and a time in RFC 3339, in UTC, to the second, as authz.ExpiryValue writes it")
	case ptype == "p" && (values == 4 || values == 5 && rule[1] != ""):
		g := authz.GrantFromRule(rule)
		if r.match == nil {
			r.policy.Grants = append(r.policy.Grants, g)
		} else if r.match(g.Tenant) {
			r.policy.Grants = append(r.policy.Grants, g)
			r.grantIDs = append(r.grantIDs, id)
		}
	case ptype == "p":
		return r.badRow(ptype, rule, "a grant has 4 values (subject, permission, scope, effect), or 5 with its tenant second, and its expiry last if it has one")
	case ptype == "g" && (values == 2 || values == 3):
		a := authz.RoleFromRule(rule)
		if r.match == nil {
			r.policy.Roles = append(r.policy.Roles, a)
		} else if r.match(a.Tenant) {
			r.policy.Roles = append(r.policy.Roles, a)
			r.roleIDs = append(r.roleIDs, id)
		}
	case ptype == "g":
		return r.badRow(ptype, rule, "a role assignment has 2 values (member, role), or 3 with its tenant third, and its expiry last if it has one")
	case ptype == "g2":
		rel := authz.RelationFromRule(rule)
		if rel == (authz.Relation{}) || slices.Contains(rule, "") {
			return r.badRow(ptype, rule, "a relation has 3 values (subject, role, type:id), and a fourth, its expiry, \"until\" and a time in RFC 3339, if it has one")
		}
		// A row is removed by its exact values: an expiry written another
		// way than the engine writes it could never be.
		if len(rule) == 4 && rule[3] != authz.ExpiryValue(rel.Expires) {
			return r.badRow(ptype, rule, fmt.Sprintf("a relation's expiry is written in UTC, to the second: %q", authz.ExpiryValue(rel.Expires)))
		}
		if r.match == nil {
			r.policy.Relations = append(r.policy.Relations, rel)
		}
	case ptype == "g3" && len(rule) == 2 && !slices.Contains(rule, ""):
		if r.match == nil {
			r.policy.Parents = append(r.policy.Parents, authz.ParentFromRule(rule))
		}
	case ptype == "g3":
		return r.badRow(ptype, rule, "a resource's parent has 2 values (type:id of the resource, type:id of its parent)")
	default:
		return r.badRow(ptype, rule, "gatehouse's models have \"p\", \"g\", \"g2\" and \"g3\" lines only")
	}
	return nil
}

// canonicalExpiry reports whether value is an expiry as the engine writes
// it: a row is removed by its exact values, and one written another way
// could never be.
func canonicalExpiry(value string) bool {
	g := authz.GrantFromRule([]string{"s", "r:a", "any", "allow", value})
	return g.Subject != "" && authz.ExpiryValue(g.Expires) == value
}

// inOrder returns the policy read, its lines in the order written.
func (r *rowReader) inOrder() authz.Policy {
	if r.match != nil {
		sortByID(r.grantIDs, r.policy.Grants)
		sortByID(r.roleIDs, r.policy.Roles)
	}
	return r.policy
}

// sortByID sorts lines by their row ids, ids with them.
func sortByID[L any](ids []int64, lines []L) {
	order := make([]int, len(ids))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(ids[a], ids[b]) })
	sorted := make([]L, len(lines))
	for i, j := range order {
		sorted[i] = lines[j]
	}
	copy(lines, sorted)
	slices.Sort(ids)
}

func (r *rowReader) badRow(ptype string, rule []string, want string) error {
	return &authz.PolicyError{Source: r.source, Text: strings.Join(append([]string{ptype}, rule...), ", "),
		Err: fmt.Errorf("%w: %d values: %s", errRowShape, len(rule), want)}
}

// readAll reads every line of the table within tx, in the order written.
func (s *Store) readAll(tx *gorm.DB) (authz.Policy, error) {
	rows, err := tx.Raw(selectRows + s.table + " ORDER BY id").Rows()
	if err != nil {
		return authz.Policy{}, err
	}
	r := newRowReader(s.table)
	if err := r.read(rows); err != nil {
		return authz.Policy{}, err
	}
	return r.inOrder(), nil
}

// line returns the row of the line ptype, rule.
func line(ptype string, rule []string) gormadapter.CasbinRule {
	var v [6]string
	copy(v[:], rule)
	return gormadapter.CasbinRule{Ptype: ptype, V0: v[0], V1: v[1], V2: v[2], V3: v[3], V4: v[4], V5: v[5]}
}

// lines returns the rows of the lines of p: its grants, role assignments,
// relations and parents, in that order.
func lines(p authz.Policy) []gormadapter.CasbinRule {
	rows := make([]gormadapter.CasbinRule, 0, len(p.Grants)+len(p.Roles)+len(p.Relations)+len(p.Parents))
	for _, g := range p.Grants {
		rows = append(rows, line("p", g.Rule()))
	}
	for _, a := range p.Roles {
		rows = append(rows, line("g", a.Rule()))
	}
	for _, r := range p.Relations {
		rows = append(rows, line("g2", r.Rule()))
	}
	for _, link := range p.Parents {
		rows = append(rows, line("g3", link.Rule()))
	}
	return rows
}

// insert writes rows within tx, in order, seedBatch rows a statement;
// with skipExisting, a row the table holds already is left out.
func (s *Store) insert(tx *gorm.DB, rows []gormadapter.CasbinRule, skipExisting bool) error {
	if len(rows) == 0 {
		return nil
	}
	db := tx.Table(s.table)
	if skipExisting {
		db = db.Clauses(clause.OnConflict{DoNothing: true})
	}
	return db.CreateInBatches(rows, seedBatch).Error
}

// exactly is the condition that selects the row of one line and no other:
// every column compared, so that "g, bob, admin" is not "g, bob, admin,
// acme", nor "g2, bob, editor, posts:42" the same relation with an expiry.
const exactly = "ptype = ? AND v0 = ? AND v1 = ? AND v2 = ? AND v3 = ? AND v4 = ? AND v5 = ?"

func exactArgs(row gormadapter.CasbinRule) []any {
	return []any{row.Ptype, row.V0, row.V1, row.V2, row.V3, row.V4, row.V5}
}

// count returns how many rows hold exactly row's line.
func (s *Store) count(tx *gorm.DB, row gormadapter.CasbinRule) (int64, error) {
	var n int64
	err := tx.Table(s.table).Where(exactly, exactArgs(row)...).Count(&n).Error
	return n, err
}

// remove deletes the rows that hold exactly row's line and returns how
// many it deleted.
func (s *Store) remove(tx *gorm.DB, row gormadapter.CasbinRule) (int64, error) {
	res := tx.Exec("DELETE FROM "+s.table+" WHERE "+exactly, exactArgs(row)...)
	return res.RowsAffected, res.Error
}
