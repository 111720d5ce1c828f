package authz

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Store persists an Engine's policy, so that it outlives the process and
// can be shared by several. An engine reads the whole policy from its store
// when it opens and when it reloads, and writes every edit to it, at once
// and before any decision sees the edit; it never reads the store to make a
// decision. Give one to New with WithStore.
//
// The store numbers the states of its policy with a revision: 0 for a store
// never written, raised by one by every Apply and by a Seed that writes. The
// revision is how an engine knows whether the policy in its memory is the
// store's, and how it refuses to apply an edit planned on a policy another
// process has changed since.
//
// Implementations are in their own packages: authz/gormstore keeps the
// policy in Casbin's GORM adapter table, and NewMemoryStore keeps it in
// memory. To write one of your own, implement these four methods as their
// comments say, and run the conformance suite of authz/storetest against
// it. Every method must be safe for concurrent use, by the engines of one
// process and, for a store several processes share, by all of them. Errors
// other than ErrStale are failures of the store; the engine wraps them in
// ErrStore and changes nothing.
//
// A store must not keep memory it does not own: it copies whatever it keeps
// of its arguments, and the values Load returns belong to the caller, which
// keeps them as long as the policy holds them; they must not change after
// Load returns.
type Store interface {
	// Seed writes initial into the store if the store has never been
	// seeded and holds no lines, and records that it has been seeded
	// either way, all in one atomic step: of several processes seeding one
	// store at once, one writes, and the others find the seeding done.
	// Once seeded, a store is never seeded again, even after its policy
	// has been emptied on purpose. Grants, role assignments, relations
	// and parents each keep initial's order.
	Seed(ctx context.Context, initial Policy) error

	// Load returns the whole policy and the revision it is at, both read
	// from one consistent state of the store: grants in the order they
	// were added, and role assignments, relations and parents likewise.
	// A relation is its whole line, its expiry included, and comes back
	// as its line writes it: its expiry in UTC, to the second (see
	// ExpiryValue). The engine validates every line; a store need not,
	// but one that finds a line it cannot read returns a *PolicyError
	// naming it.
	Load(ctx context.Context) (Policy, int64, error)

	// Apply commits c, which was planned on the policy at revision base,
	// all of it or none: its removals, then its additions. It returns the
	// new revision, base+1. If the store is no longer at base, or c
	// removes a line the store does not hold or adds one it holds (a
	// relation with another expiry is another line), Apply changes
	// nothing and returns an error matching ErrStale: the caller's view
	// of the policy is not the store's, and it reloads.
	Apply(ctx context.Context, c Change, base int64) (int64, error)

	// Revision returns the store's current revision. Engines following
	// their peers (WithNotifier) call it every sync interval: it should be
	// cheap.
	Revision(ctx context.Context) (int64, error)
}

// SharedStore is a Store several processes share, which WithNotifier needs:
// engines announce their edits to their peers, and a message must say which
// store it is about and prove it comes from a process that can read the
// store.
type SharedStore interface {
	Store

	// Identity returns the store's id, the same in every process that
	// opens the store and different from any other store's, and the key
	// that seals the engines' messages about it (see watch.NewKey and
	// watch.Seal). The key is kept in the store itself, so that only
	// processes that can read the store can announce edits to it.
	Identity(ctx context.Context) (id string, key []byte, err error)
}

// Change is one atomic edit of a policy, as an Engine commits it to its
// Store: the removals are applied first, then the additions. Each list
// holds distinct lines.
type Change struct {
	RemoveGrants    []Grant
	RemoveRoles     []RoleAssignment
	RemoveRelations []Relation
	RemoveParents   []ResourceParent
	AddGrants       []Grant
	AddRoles        []RoleAssignment
	AddRelations    []Relation
	AddParents      []ResourceParent

	// Actor is who made the change and from where (WithActor), and At
	// when, by the engine's clock: what an AuditStore records with it.
	// Neither is part of the policy.
	Actor Actor
	At    time.Time
}

// ErrStale is the error a Store returns from Apply when the change was
// planned on a policy that is no longer the store's: another process has
// edited it since. The engine reloads and plans the edit again.
var ErrStale = errors.New("the policy was changed by another process")

// WithStore persists the policy in s. New seeds s once, with the policy of
// WithPolicy (or the embedded default), if s has never been seeded and is
// empty, and then loads the policy from s. Every edit is written to s, at
// once, before it returns and before any decision sees it; an edit s
// refuses changes nothing.
//
// The engine reads s when it opens and when Reload is called; edits made by
// other processes sharing s are seen then, or as they happen with
// WithNotifier. An edit planned on a policy another process has changed
// since is neither lost nor applied blindly: the engine reloads and checks
// the edit again.
//
// Without WithStore the policy lives in the engine's memory only, with no
// second copy: edits last as long as the engine, and Reload does nothing.
func WithStore(s Store) Option {
	return func(c *config) { c.store = s }
}

// storeSource names the store in errors about its lines.
func storeSource(s Store) string {
	if named, ok := s.(fmt.Stringer); ok {
		return named.String()
	}
	return fmt.Sprintf("%T", s)
}

// validateStored validates every line a store returned, its tenant against
// the model included, so that no store, whoever wrote it, hands the engine
// a line it would refuse in a file.
func (e *Engine) validateStored(source string, p Policy) error {
	for _, g := range p.Grants {
		err := g.Validate()
		if err == nil {
			err = e.checkRuleShape(g.Tenant)
		}
		if err != nil {
			return &PolicyError{Source: source, Text: g.String(), Err: err}
		}
	}
	for _, a := range p.Roles {
		err := a.Validate()
		if err == nil {
			err = e.checkRuleShape(a.Tenant)
		}
		if err != nil {
			return &PolicyError{Source: source, Text: a.String(), Err: err}
		}
	}
	return e.checkPolicyLines(source, p)
}

// storeRevision returns the store's current revision, containing a panic.
func (e *Engine) storeRevision(ctx context.Context) (revision int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = e.recovered(r, ErrStore, "reading the policy store's revision")
		}
	}()
	if revision, err = e.store.Revision(ctx); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrStore, err)
	}
	return revision, nil
}

// seedStore seeds the store with initial, containing a panic.
func (e *Engine) seedStore(ctx context.Context, initial Policy) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = e.recovered(r, ErrStore, "seeding the policy store")
		}
	}()
	if err := e.store.Seed(ctx, initial); err != nil {
		return fmt.Errorf("%w: seed %s: %w", ErrStore, storeSource(e.store), err)
	}
	return nil
}
