package authz

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Observer hears what an engine does besides deciding — its edits, its
// peers' edits as they arrive, its store's failures — to count them
// (package observe does, with OpenTelemetry). Its methods are called after
// the fact, on the goroutine that did the work, some while the engine
// holds its edit lock: they must be quick, must not keep the events' slices
// or call back into the engine. A panic in them is recovered and logged,
// and the work stands.
type Observer interface {
	// Edited is called after each edit made through the engine that got
	// as far as planning, whether it was committed or refused.
	Edited(ctx context.Context, e EditEvent)
	// PeerEdited is called after a peer's edit has been applied to memory
	// (WithNotifier).
	PeerEdited(ctx context.Context, e PeerEditEvent)
	// StoreFailed is called when the store did not answer, or failed, an
	// operation: StoreEdit, StoreLoad, StoreCheck or StoreHistory.
	StoreFailed(ctx context.Context, operation string, err error)
}

// The store operations Observer.StoreFailed names.
const (
	StoreEdit    = "edit"    // committing an edit
	StoreLoad    = "load"    // loading the whole policy
	StoreCheck   = "check"   // reading the store's revision (WithNotifier)
	StoreHistory = "history" // reading the history (Engine.History)
)

// EditEvent is one edit as an Observer hears of it.
type EditEvent struct {
	// Actor is who made it and from where (WithActor): Source is
	// SourceImport for Import and Replace, SourceSweep for SweepExpired
	// when the context names none.
	Actor Actor
	// Added and Removed count the lines the edit added and removed; 0 for
	// an edit that was refused or changed nothing.
	Added, Removed int
	// Revision is the store's revision the edit made; 0 when it made none,
	// and without a store.
	Revision int64
	// Err is nil for an edit committed (or one that had nothing to do),
	// and otherwise why it was not: ErrExists, ErrNotFound, ErrCycle, … for
	// an edit refused, ErrStore or ErrEngine for one that failed.
	Err error
}

// PeerEditEvent is a peer's edit as an Observer hears of it.
type PeerEditEvent struct {
	// Revision is the store's revision the edit made.
	Revision int64
	// Added and Removed count the lines it added and removed.
	Added, Removed int
	// Lag is how long after the peer committed it the edit was applied
	// here, by the two machines' clocks; 0 when the peer did not say when.
	Lag time.Duration
}

// WithObserver makes the engine report its edits, its peers' edits and its
// store's failures to o. Without one, nothing is reported and nothing is
// spent on it.
func WithObserver(o Observer) Option {
	return func(c *config) { c.observer = o }
}

// observe calls report on the engine's observer, containing a panic.
func (e *Engine) observe(report func(Observer)) {
	if e.observer == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			e.logger.Error("authz: the observer panicked; the work stands", "panic", fmt.Sprint(r))
		}
	}()
	report(e.observer)
}

// edited reports an edit planned as c, which made revision (0 for none),
// or failed with err.
func (e *Engine) edited(ctx context.Context, c Change, revision int64, err error) {
	if e.observer == nil {
		return
	}
	ev := EditEvent{Actor: ActorFrom(ctx), Err: err}
	if err == nil {
		ev.Added, ev.Removed, ev.Revision = c.added(), c.removed(), revision
	}
	e.observe(func(o Observer) { o.Edited(ctx, ev) })
}

// storeFailed reports a failure of the store in operation; a store that
// refused an edit because a peer edited first (ErrStale) has not failed.
func (e *Engine) storeFailed(ctx context.Context, operation string, err error) {
	if e.observer == nil || errors.Is(err, ErrStale) {
		return
	}
	e.observe(func(o Observer) { o.StoreFailed(ctx, operation, err) })
}

func (c Change) added() int {
	return len(c.AddGrants) + len(c.AddRoles) + len(c.AddRelations) + len(c.AddParents)
}

func (c Change) removed() int {
	return len(c.RemoveGrants) + len(c.RemoveRoles) + len(c.RemoveRelations) + len(c.RemoveParents)
}

// Status is an engine's state, for monitoring (Engine.Status).
type Status struct {
	// Revision is the store's revision of the policy decisions read; 0
	// without a store.
	Revision int64
	// Available reports whether the engine vouches for its policy: Err is
	// nil, and decisions are made.
	Available bool
	// Reloads counts the loads of the whole policy from the store since
	// New: Reload, a peer's edit that could not be applied on its own, a
	// notifier that reconnected, recovery after a failure.
	Reloads int64
	// Following reports whether the engine follows its peers
	// (WithNotifier); the fields below are zero when it does not.
	Following bool
	// Connected reports whether the notifier's subscription is up.
	Connected bool
	// LastCurrent is when the engine last found its policy current with
	// the store, reloading it or checking the store's revision every sync
	// interval. How long ago it was bounds how stale decisions may be.
	LastCurrent time.Time
}

// Status reports the engine's state. It is cheap, safe for concurrent use,
// and reads no store.
func (e *Engine) Status() Status {
	s := Status{Revision: e.liveRevision.Load(), Available: e.Err() == nil, Reloads: e.reloads.Load()}
	if e.sync != nil {
		f := e.sync.follower.Status()
		s.Following, s.Connected, s.LastCurrent = true, f.Connected, f.LastCurrent
	}
	return s
}
