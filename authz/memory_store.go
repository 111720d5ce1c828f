package authz

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/gatehouse-go/gatehouse/watch"
)

// MemoryStore is a SharedStore that keeps a policy in memory, for the life
// of the process. Engines given the same MemoryStore share its policy as
// engines of several processes share a database: each sees the others'
// edits when it reloads, or at once when they follow each other through a
// notifier (watch.NewLocal). It serves tests and applications that run
// several engines in one process; one engine alone needs no store. It is
// a TenantStore: an engine restricted with WithTenants copies only the
// rules of its tenants.
//
// It keeps relations and resource parents beside grants and role
// assignments, each kind in the order written. A relation is its whole
// line, expiry included, the expiry kept as its line writes it: in UTC, to
// the second.
//
// It is safe for concurrent use. Build one with NewMemoryStore.
type MemoryStore struct {
	mu        sync.Mutex
	grants    []Grant
	roles     []RoleAssignment
	relations []Relation
	parents   []ResourceParent
	revision  int64
	seeded    bool
	id        string
	key       []byte
	history   []AuditEntry // oldest first
}

var (
	_ SharedStore = (*MemoryStore)(nil)
	_ TenantStore = (*MemoryStore)(nil)
	_ AuditStore  = (*MemoryStore)(nil)
)

// NewMemoryStore returns an empty store, never seeded, at revision 0.
func NewMemoryStore() (*MemoryStore, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	key, err := watch.NewKey()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	return &MemoryStore{id: "memory-" + hex.EncodeToString(random), key: []byte(key)}, nil
}

// String names the store in errors.
func (s *MemoryStore) String() string { return "memory store " + s.id }

// Seed writes initial if the store has never been seeded and is empty, and
// records the seeding either way.
func (s *MemoryStore) Seed(_ context.Context, initial Policy) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seeded {
		return nil
	}
	s.seeded = true
	if s.lines() > 0 || len(initial.Grants)+len(initial.Roles)+len(initial.Relations)+len(initial.Parents) == 0 {
		return nil
	}
	s.grants = ownedGrants(initial.Grants)
	s.roles = ownedRoles(initial.Roles)
	s.relations = ownedRelations(storedRelations(initial.Relations))
	s.parents = ownedParents(initial.Parents)
	s.revision++
	s.history = append(s.history, SeedEntry(initial, s.revision, time.Now()))
	return nil
}

// Load returns a copy of the policy and its revision.
func (s *MemoryStore) Load(_ context.Context) (Policy, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The names are the store's own and never change; the slices are new.
	return Policy{Grants: slices.Clone(s.grants), Roles: slices.Clone(s.roles),
		Relations: slices.Clone(s.relations), Parents: slices.Clone(s.parents)}, s.revision, nil
}

// lines returns how many lines the store holds; the caller holds mu.
func (s *MemoryStore) lines() int {
	return len(s.grants) + len(s.roles) + len(s.relations) + len(s.parents)
}

// LoadTenants returns a copy of the rules whose tenant f matches, in
// order, and the store's revision; a filter f.Validate refuses is refused
// with its error. Relations and parents have no tenant: it returns none.
func (s *MemoryStore) LoadTenants(_ context.Context, f TenantFilter) (Policy, int64, error) {
	if err := f.Validate(); err != nil {
		return Policy{}, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return f.apply(Policy{Grants: s.grants, Roles: s.roles}), s.revision, nil
}

// Apply commits c if the store is at base and c fits the policy.
func (s *MemoryStore) Apply(_ context.Context, c Change, base int64) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revision != base {
		return 0, fmt.Errorf("%w: the store is at revision %d, not %d", ErrStale, s.revision, base)
	}
	grants, err := applyLines(s.grants, c.RemoveGrants, c.AddGrants, Grant.owned)
	if err != nil {
		return 0, err
	}
	roles, err := applyLines(s.roles, c.RemoveRoles, c.AddRoles, RoleAssignment.owned)
	if err != nil {
		return 0, err
	}
	relations, err := applyLines(s.relations, storedRelations(c.RemoveRelations), storedRelations(c.AddRelations), Relation.owned)
	if err != nil {
		return 0, err
	}
	parents, err := applyLines(s.parents, c.RemoveParents, c.AddParents, ResourceParent.owned)
	if err != nil {
		return 0, err
	}
	s.grants, s.roles, s.relations, s.parents = grants, roles, relations, parents
	s.revision++
	s.history = append(s.history, AuditEntryOf(c, s.revision))
	return s.revision, nil
}

// History returns the entries q keeps, newest first.
func (s *MemoryStore) History(_ context.Context, q HistoryQuery) ([]AuditEntry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AuditEntry
	for i := len(s.history) - 1; i >= 0 && len(out) < q.limit(); i-- {
		if e := s.history[i]; q.Matches(e) {
			e.Removed, e.Added = slices.Clone(e.Removed), slices.Clone(e.Added)
			out = append(out, e)
		}
	}
	return out, nil
}

// Revision returns the store's revision.
func (s *MemoryStore) Revision(_ context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revision, nil
}

// Identity returns the store's random id and sealing key.
func (s *MemoryStore) Identity(_ context.Context) (string, []byte, error) {
	return s.id, slices.Clone(s.key), nil
}

// storedRelations returns relations with their expiries as their lines
// write them, in UTC and to the second, so that a relation is compared as
// its line: two ways of writing one instant are one line. It returns
// relations itself when they need no change, as the engine's do.
func storedRelations(relations []Relation) []Relation {
	for i, r := range relations {
		if normalExpiry(r.Expires) != r.Expires {
			out := slices.Clone(relations)
			for j := i; j < len(out); j++ {
				out[j].Expires = normalExpiry(out[j].Expires)
			}
			return out
		}
	}
	return relations
}

// applyLines returns lines with remove taken out and add, copied with own,
// appended; or an error matching ErrStale, with lines untouched, if a
// removed line is missing or an added one present.
func applyLines[L comparable](lines, remove, add []L, own func(L) L) ([]L, error) {
	if len(remove)+len(add) == 0 {
		return lines, nil
	}
	gone := make(map[L]bool, len(remove))
	for _, l := range remove {
		gone[l] = true
	}
	kept := make([]L, 0, len(lines)+len(add))
	present := make(map[L]bool, len(lines))
	for _, l := range lines {
		present[l] = true
		if gone[l] {
			delete(gone, l)
			continue
		}
		kept = append(kept, l)
	}
	if len(gone) > 0 {
		return nil, fmt.Errorf("%w: a line to remove is not in the store", ErrStale)
	}
	for _, l := range remove {
		delete(present, l)
	}
	for _, l := range add {
		if present[l] {
			return nil, fmt.Errorf("%w: a line to add is already in the store", ErrStale)
		}
		present[l] = true
		kept = append(kept, own(l))
	}
	return kept, nil
}
