package authz

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Where edits come from, as Actor.Source names them.
const (
	// SourceAPI is an application's own code or HTTP API.
	SourceAPI = "api"
	// SourceConsole is the policy console (package console).
	SourceConsole = "console"
	// SourceCLI is the gatehouse command line.
	SourceCLI = "cli"
	// SourceImport is a whole policy imported or replaced.
	SourceImport = "import"
	// SourceSweep is the removal of expired lines (SweepExpired).
	SourceSweep = "sweep"
)

// MaxActorLength bounds Actor.ID and Actor.Source, in bytes.
const MaxActorLength = 256

// ErrNoHistory reports a History asked of an engine whose store keeps no
// history of its edits (see AuditStore).
var ErrNoHistory = errors.New("authz: the policy store keeps no history")

// Actor is who makes an edit, and from where. Pass it with WithActor in
// the context of an edit: stores that keep a history (AuditStore) record
// it with the edit, in the same transaction.
type Actor struct {
	// ID names who made the edit: a user's id, a service's name. "" when
	// the caller does not say.
	ID string
	// Source is where the edit came from: SourceAPI, SourceConsole,
	// SourceCLI, SourceImport, SourceSweep, or a name of the
	// application's. "" when the caller does not say.
	Source string
}

type actorKey struct{}

// WithActor returns ctx carrying actor, for the edits made with it: the
// policy's history names actor as who made them. An ID or Source that is
// not printable UTF-8 of at most MaxActorLength bytes is recorded as
// "(invalid)".
func WithActor(ctx context.Context, actor Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, Actor{ID: strings.Clone(actor.ID), Source: strings.Clone(actor.Source)})
}

// ActorFrom returns the actor WithActor put in ctx; the zero Actor when
// there is none.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return Actor{ID: recordable(a.ID), Source: recordable(a.Source)}
}

// defaultSource returns ctx with its actor's Source set to source when it
// names none.
func defaultSource(ctx context.Context, source string) context.Context {
	a, _ := ctx.Value(actorKey{}).(Actor)
	if a.Source != "" {
		return ctx
	}
	a.Source = source
	return context.WithValue(ctx, actorKey{}, a)
}

// recordable returns s if a history can keep it as it is, and "(invalid)"
// otherwise.
func recordable(s string) string {
	if len(s) > MaxActorLength || !utf8.ValidString(s) || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return "(invalid)"
	}
	return s
}

// AuditEntry is one edit as a policy's history keeps it.
type AuditEntry struct {
	// Revision is the store's revision the edit made.
	Revision int64
	// At is when it was made, by the clock of the engine that made it, in
	// UTC, to the microsecond at least.
	At time.Time
	// Actor is who made it, and from where.
	Actor Actor
	// Removed and Added are the lines it removed and added, as a policy
	// file writes them ("p, editor, posts:update, any, allow").
	Removed, Added []string
}

// Subjects returns the subjects, roles and resources the entry's lines
// name, each once: what a history is searched by.
func (e AuditEntry) Subjects() []string {
	var out []string
	// seen finds a name among many without a scan: an entry may be a
	// whole policy, its first load.
	seen := map[string]bool{}
	for _, line := range append(slices.Clone(e.Removed), e.Added...) {
		fields := strings.Split(line, ",")
		if len(fields) < 2 {
			continue
		}
		// p, subject, …; g, member, role, …; g2, subject, role, resource; g3, resource, parent.
		names := fields[1:2]
		switch kind := strings.TrimSpace(fields[0]); {
		case kind == "g2" && len(fields) >= 4:
			names = fields[1:4] // the resource too
		case kind != "p" && len(fields) >= 3:
			names = fields[1:3]
		}
		for _, n := range names {
			if n = strings.TrimSpace(n); n != "" && !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	return out
}

// HistoryQuery narrows a history. Zero fields do not narrow it.
type HistoryQuery struct {
	// Since and Until keep the edits made at or after Since and before
	// Until.
	Since, Until time.Time
	// Actor keeps the edits of one Actor.ID.
	Actor string
	// Subject keeps the edits whose lines name it: as a grant's subject, a
	// role assignment's member or role, a relation's subject, role or
	// resource, or a resource's parent or child.
	Subject string
	// Limit bounds the entries returned, newest first; 0 means
	// DefaultHistoryLimit, and at most MaxHistoryLimit.
	Limit int
}

// Limits of HistoryQuery.Limit.
const (
	DefaultHistoryLimit = 100
	MaxHistoryLimit     = 1000
)

// Validate checks q: a Limit within [0, MaxHistoryLimit], Since not after
// Until.
func (q HistoryQuery) Validate() error {
	switch {
	case q.Limit < 0 || q.Limit > MaxHistoryLimit:
		return fmt.Errorf("%w: history limit %d is not within [0, %d]", ErrInvalidRequest, q.Limit, MaxHistoryLimit)
	case !q.Since.IsZero() && !q.Until.IsZero() && q.Since.After(q.Until):
		return fmt.Errorf("%w: history since %s is after until %s", ErrInvalidRequest, q.Since.Format(time.RFC3339), q.Until.Format(time.RFC3339))
	}
	return nil
}

// Matches reports whether e is one of q's entries, Limit aside.
func (q HistoryQuery) Matches(e AuditEntry) bool {
	switch {
	case !q.Since.IsZero() && e.At.Before(q.Since):
		return false
	case !q.Until.IsZero() && !e.At.Before(q.Until):
		return false
	case q.Actor != "" && e.Actor.ID != q.Actor:
		return false
	case q.Subject != "" && !slices.Contains(e.Subjects(), q.Subject):
		return false
	}
	return true
}

// limit returns q.Limit, or its default.
func (q HistoryQuery) limit() int {
	if q.Limit == 0 {
		return DefaultHistoryLimit
	}
	return q.Limit
}

// AuditStore is a Store that keeps the history of the edits it applies:
// its Apply records an AuditEntry of the Change (its lines, c.Actor and
// c.At, the revision it makes) in the same atomic step as the change, so
// that an entry never exists without its edit nor an edit without its
// entry. Entries are never changed nor removed by gatehouse. authz/gormstore
// and MemoryStore are AuditStores; authz/storetest checks the contract.
type AuditStore interface {
	Store
	// History returns the entries q keeps, newest first (by revision),
	// at most q.Limit of them (DefaultHistoryLimit when 0). q has been
	// validated.
	History(ctx context.Context, q HistoryQuery) ([]AuditEntry, error)
}

// History returns the edits of the policy, newest first, narrowed by q:
// who made each, when, from where, and the lines it removed and added. It
// fails with ErrNoHistory when the engine's store keeps none (no store, or
// one that is not an AuditStore).
func (e *Engine) History(ctx context.Context, q HistoryQuery) (entries []AuditEntry, err error) {
	defer e.contain(&err, "reading the policy's history")
	if err := q.Validate(); err != nil {
		return nil, err
	}
	store, ok := e.store.(AuditStore)
	if !ok {
		return nil, ErrNoHistory
	}
	q.Limit = q.limit()
	entries, err = store.History(ctx, q)
	if err != nil {
		e.storeFailed(ctx, StoreHistory, err)
		return nil, fmt.Errorf("%w: history of %s: %w", ErrStore, storeSource(e.store), err)
	}
	return entries, nil
}

// auditLines returns the lines of c's removals and additions as a policy
// file writes them.
func auditLines(c Change) (removed, added []string) {
	for _, p := range []struct {
		policy Policy
		out    *[]string
	}{
		{Policy{Grants: c.RemoveGrants, Roles: c.RemoveRoles, Relations: c.RemoveRelations, Parents: c.RemoveParents}, &removed},
		{Policy{Grants: c.AddGrants, Roles: c.AddRoles, Relations: c.AddRelations, Parents: c.AddParents}, &added},
	} {
		for _, line := range strings.Split(p.policy.String(), "\n") {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
				*p.out = append(*p.out, line)
			}
		}
	}
	return removed, added
}

// SourceSeed is the policy a store was seeded with (Store.Seed).
const SourceSeed = "seed"

// SeedEntry is the entry a store records for seeding it with initial at
// revision, at the time at.
func SeedEntry(initial Policy, revision int64, at time.Time) AuditEntry {
	_, added := auditLines(Change{AddGrants: initial.Grants, AddRoles: initial.Roles, AddRelations: initial.Relations,
		AddParents: initial.Parents})
	return AuditEntry{Revision: revision, At: at.UTC(), Actor: Actor{Source: SourceSeed}, Added: added}
}

// AuditEntryOf is the entry a store records for c, applied at revision.
func AuditEntryOf(c Change, revision int64) AuditEntry {
	removed, added := auditLines(c)
	return AuditEntry{Revision: revision, At: c.At.UTC(), Actor: c.Actor, Removed: removed, Added: added}
}
