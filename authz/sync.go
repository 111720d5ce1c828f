package authz

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/gatehouse-go/gatehouse/watch"
)

// DefaultChannel is the notifier channel WithNotifier publishes and hears
// policy edits on.
const DefaultChannel = "gatehouse_policy"

// publishTimeout bounds how long an edit waits to tell its peers; they
// catch up at their next check of the store if the message is lost.
const publishTimeout = 2 * time.Second

// WithNotifier makes the engine one of several replicas sharing the store
// of WithStore (required, and a SharedStore): it publishes each of its edits on n, and applies
// its peers' edits as they arrive, incrementally, to its Casbin model and
// its index. After the notifier reconnects it reloads the whole policy,
// since edits may have been missed; it also checks the store's revision
// every sync interval (WithSyncInterval), so a lost message delays an edit
// by two intervals at most.
//
// It fails closed: while the notifier is disconnected or the store does not
// answer, the engine cannot vouch for its policy, and decisions fail with
// ErrUnavailable (the HTTP adapters answer 503) until it has caught up. New
// waits, within its ctx, until the engine has first caught up. Call Close
// to stop following.
//
// n is shared, not owned: several engines and token revocations may use
// one notifier, each on its own channel (WithChannel).
func WithNotifier(n watch.Notifier) Option {
	return func(c *config) { c.notifier = n }
}

// WithChannel names the notifier channel of WithNotifier. Default
// DefaultChannel. Engines on different stores may share a channel: each
// message names its store, and others ignore it.
func WithChannel(name string) Option {
	return func(c *config) { c.channel = name }
}

// WithSyncInterval sets how often an engine following its peers checks the
// store (see WithNotifier). Default watch.DefaultInterval.
func WithSyncInterval(d time.Duration) Option {
	return func(c *config) { c.syncInterval = d }
}

// WithLogger receives the engine's reports on following its peers: when it
// becomes unavailable and when it recovers, and edits it could not
// announce. Default slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// replication is an engine's part in a set of replicas.
type replication struct {
	// storeID and sealKey are the store's Identity: messages name the
	// store and are sealed with its key.
	storeID  string
	sealKey  []byte
	notifier watch.Notifier
	channel  string
	logger   *slog.Logger
	follower *watch.Follower
}

func follow(ctx context.Context, e *Engine, store SharedStore, c config) (*replication, error) {
	id, key, err := store.Identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: read the store's identity: %w", ErrStore, err)
	}
	if id == "" {
		return nil, fmt.Errorf("%w: the store's identity is empty", ErrStore)
	}
	if err := watch.CheckKey(key); err != nil {
		return nil, fmt.Errorf("%w: the store's sealing key: %w", ErrStore, err)
	}
	r := &replication{storeID: id, sealKey: key, notifier: c.notifier, channel: c.channel, logger: c.logger}
	if r.channel == "" {
		r.channel = DefaultChannel
	}
	if r.logger == nil {
		r.logger = slog.Default()
	}
	f, err := watch.Follow(ctx, c.notifier, &engineState{e: e, logger: r.logger, channel: r.channel, storeID: id, sealKey: key}, watch.FollowConfig{
		Channel:  r.channel,
		Interval: c.syncInterval,
		Logger:   r.logger,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	r.follower = f
	return r, nil
}

func (r *replication) err() error {
	if err := r.follower.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return nil
}

func (r *replication) close() { r.follower.Close() }

// message is what an engine publishes after an edit: the store it edited,
// the revision the edit made, and the edit itself, unless it is too long
// for the notifier, in which case peers reload.
type message struct {
	Store    string    `json:"store"`
	Revision int64     `json:"rev"`
	Change   *wireEdit `json:"change,omitempty"`
	// At is when the edit was committed, in Unix microseconds by the
	// publisher's clock; 0 from engines that did not say.
	At int64 `json:"at,omitempty"`
}

// wireEdit is a change as published: rules as Casbin writes them, a
// relation's expiry last.
type wireEdit struct {
	RemoveGrants    [][]string `json:"remove_p,omitempty"`
	RemoveRoles     [][]string `json:"remove_g,omitempty"`
	RemoveRelations [][]string `json:"remove_g2,omitempty"`
	RemoveParents   [][]string `json:"remove_g3,omitempty"`
	AddGrants       [][]string `json:"add_p,omitempty"`
	AddRoles        [][]string `json:"add_g,omitempty"`
	AddRelations    [][]string `json:"add_g2,omitempty"`
	AddParents      [][]string `json:"add_g3,omitempty"`
}

func (r *replication) publish(ctx context.Context, revision int64, c Change) {
	m := message{Store: r.storeID, Revision: revision, At: c.At.UnixMicro(), Change: &wireEdit{
		RemoveGrants:    lineRules(c.RemoveGrants, Grant.Rule),
		RemoveRoles:     lineRules(c.RemoveRoles, RoleAssignment.Rule),
		RemoveRelations: lineRules(c.RemoveRelations, Relation.Rule),
		RemoveParents:   lineRules(c.RemoveParents, ResourceParent.Rule),
		AddGrants:       lineRules(c.AddGrants, Grant.Rule),
		AddRoles:        lineRules(c.AddRoles, RoleAssignment.Rule),
		AddRelations:    lineRules(c.AddRelations, Relation.Rule),
		AddParents:      lineRules(c.AddParents, ResourceParent.Rule),
	}}
	payload, err := json.Marshal(m)
	if err == nil && len(payload) > watch.SealedMaxPayload {
		m.Change = nil
		payload, err = json.Marshal(m)
	}
	if err != nil {
		r.logger.Error("gatehouse: cannot encode a policy edit for peers", "revision", revision, "error", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), publishTimeout)
	defer cancel()
	if err := r.notifier.Publish(ctx, r.channel, watch.Seal(r.sealKey, string(payload))); err != nil {
		r.logger.Warn("gatehouse: peers not told of a policy edit; they catch up at their next check",
			"channel", r.channel, "revision", revision, "error", err)
	}
}

// errResync says a message cannot be applied on its own.
var errResync = errors.New("policy message out of order or incomplete")

// engineState lets a watch.Follower keep an engine current.
type engineState struct {
	e       *Engine
	logger  *slog.Logger
	channel string
	storeID string
	sealKey []byte
	// lagMark is the store's revision at the last check that found memory
	// behind it; only the Follower's goroutine touches it.
	lagMark int64
}

// Apply applies a peer's edit if it is the next one, ignores messages of
// other stores and edits memory already has, and asks for a reload
// otherwise. Messages come from the network: one not sealed with the
// store's key is ignored and logged, every rule is validated (relations
// and parents against the model too: an engine whose model does not
// support them refuses them, and reloads), and a change that does not fit
// the policy in memory is not applied.
func (s *engineState) Apply(ctx context.Context, sealed string) error {
	e := s.e
	payload, err := watch.Open(s.sealKey, sealed)
	if err != nil {
		s.logger.Warn("gatehouse: ignored a policy message not sealed with this store's key (another store's, or forged)",
			"channel", s.channel)
		return nil
	}
	var m message
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		return fmt.Errorf("%w: %w", errResync, err)
	}
	if m.Store != s.storeID {
		return nil
	}
	e.editMu.Lock()
	defer e.editMu.Unlock()
	switch {
	case m.Revision <= e.revision:
		return nil // ours, or one a reload already brought
	case m.Revision != e.revision+1 || m.Change == nil:
		return errResync
	}
	c, err := m.Change.decode()
	if err != nil {
		return err
	}
	if err := e.checkShape("message", Policy{Grants: slices.Concat(c.RemoveGrants, c.AddGrants), Roles: slices.Concat(c.RemoveRoles, c.AddRoles)}); err != nil {
		return fmt.Errorf("%w: %w", errResync, err)
	}
	// Removals and additions are checked apart: a changed expiry removes
	// and adds one relation.
	for _, lines := range []Policy{
		{Relations: c.RemoveRelations, Parents: c.RemoveParents},
		{Relations: c.AddRelations, Parents: c.AddParents},
	} {
		if err := e.checkPolicyLines("message", lines); err != nil {
			return fmt.Errorf("%w: %w", errResync, err)
		}
	}
	// A restricted engine keeps what it holds, and moves to the revision.
	c = e.shard.filterChange(c)
	if !e.fits(c) {
		return fmt.Errorf("%w: the edit does not fit the policy in memory", errResync)
	}
	if err := e.applyLocked(c, m.Revision); err != nil {
		return err
	}
	if e.observer != nil {
		ev := PeerEditEvent{Revision: m.Revision, Added: c.added(), Removed: c.removed()}
		if m.At > 0 {
			ev.Lag = max(e.wallClock().Sub(time.UnixMicro(m.At)), 0)
		}
		e.observe(func(o Observer) { o.PeerEdited(ctx, ev) })
	}
	return nil
}

// Reload loads the whole policy from the store.
func (s *engineState) Reload(ctx context.Context) error { return s.e.Reload(ctx) }

// Check reports whether memory has kept up with the store. Memory may trail
// the store by the edits whose messages are on their way, so it is stale
// only when it has not reached, by now, a revision the store already had at
// the previous check: a lost message costs two check intervals at most,
// and a message in flight costs no reload.
func (s *engineState) Check(ctx context.Context) (bool, error) {
	revision, err := s.e.storeRevision(ctx)
	if err != nil {
		s.e.storeFailed(ctx, StoreCheck, err)
		return false, err
	}
	s.e.editMu.Lock()
	current := s.e.revision
	s.e.editMu.Unlock()
	if revision <= current {
		s.lagMark = 0
		return true, nil
	}
	stale := s.lagMark != 0 && current < s.lagMark
	s.lagMark = revision
	if stale {
		s.lagMark = 0
	}
	return !stale, nil
}

// decode validates every rule of w.
func (w *wireEdit) decode() (Change, error) {
	var errs []error
	c := Change{
		RemoveGrants:    decodeRules(w.RemoveGrants, grantFromFields, &errs),
		RemoveRoles:     decodeRules(w.RemoveRoles, roleFromFields, &errs),
		RemoveRelations: decodeRules(w.RemoveRelations, relationFromFields, &errs),
		RemoveParents:   decodeRules(w.RemoveParents, parentFromFields, &errs),
		AddGrants:       decodeRules(w.AddGrants, grantFromFields, &errs),
		AddRoles:        decodeRules(w.AddRoles, roleFromFields, &errs),
		AddRelations:    decodeRules(w.AddRelations, relationFromFields, &errs),
		AddParents:      decodeRules(w.AddParents, parentFromFields, &errs),
	}
	if len(errs) > 0 {
		return Change{}, fmt.Errorf("%w: %w", errResync, errs[0])
	}
	return c, nil
}

// decodeRules reads and validates each of rules with read; at the first
// rule read refuses, it adds the error to errs and returns nothing.
func decodeRules[L any](rules [][]string, read func([]string) (L, error), errs *[]error) []L {
	var out []L
	for _, rule := range rules {
		l, err := read(rule)
		if err != nil {
			*errs = append(*errs, err)
			return nil
		}
		out = append(out, l)
	}
	return out
}

// fits reports whether c applies cleanly to the policy in memory: what it
// removes is there, what it adds is not. The caller holds editMu.
func (e *Engine) fits(c Change) bool {
	return fitsLines(c.RemoveGrants, c.AddGrants, Grant.key, e.grantLine) &&
		fitsLines(c.RemoveRoles, c.AddRoles, RoleAssignment.key, e.roleLine) &&
		e.fitsRelations(c)
}

// fitsLines reports whether removing and then adding lines applies
// cleanly: each line removed is in memory as written, its expiry included,
// and each line added is not, nor, unless removed first, with another
// expiry.
func fitsLines[L comparable](remove, add []L, key func(L) L, held func(L) (L, bool)) bool {
	free := make(map[L]bool, len(remove)+len(add))
	for _, l := range remove {
		line, ok := held(l)
		if _, seen := free[key(l)]; seen || !ok || line != l {
			return false
		}
		free[key(l)] = true
	}
	for _, l := range add {
		ok, seen := free[key(l)]
		if !seen {
			_, isHeld := held(l)
			ok = !isHeld
		}
		if !ok {
			return false
		}
		free[key(l)] = false
	}
	return true
}

// fitsRelations reports whether c's relations and parents apply cleanly to
// the policy in memory: each line removed is there as written, its expiry
// included, and each line added is not, nor, unless c removes it first,
// the relation with another expiry or another parent of the resource,
// which memory holds once. The caller holds editMu.
func (e *Engine) fitsRelations(c Change) bool {
	if len(c.RemoveRelations)+len(c.AddRelations)+len(c.RemoveParents)+len(c.AddParents) == 0 {
		return true
	}
	// free tells, for each relation c names without its expiry, whether
	// c may add it: true once c removes it, false once c adds it.
	free := make(map[Relation]bool, len(c.RemoveRelations)+len(c.AddRelations))
	for _, r := range c.RemoveRelations {
		held, ok := e.relation(r)
		if _, seen := free[r.key()]; seen || !ok || !held.Expires.Equal(r.Expires) {
			return false
		}
		free[r.key()] = true
	}
	for _, r := range c.AddRelations {
		ok, seen := free[r.key()]
		if !seen {
			_, held := e.relation(r)
			ok = !held
		}
		if !ok {
			return false
		}
		free[r.key()] = false
	}
	ix := e.relations()
	parentOf := func(resource string) string {
		if r := ix.resource(resource); r != nil {
			return r.parent
		}
		return ""
	}
	// orphaned likewise tells whether c may give a resource a parent.
	orphaned := make(map[string]bool, len(c.RemoveParents)+len(c.AddParents))
	for _, link := range c.RemoveParents {
		if _, seen := orphaned[link.Resource]; seen || parentOf(link.Resource) != link.Parent {
			return false
		}
		orphaned[link.Resource] = true
	}
	for _, link := range c.AddParents {
		ok, seen := orphaned[link.Resource]
		if !seen {
			ok = parentOf(link.Resource) == ""
		}
		if !ok {
			return false
		}
		orphaned[link.Resource] = false
	}
	return true
}

// lineRules returns lines as the values of their policy lines, expiries
// included.
func lineRules[L any](lines []L, rule func(L) []string) [][]string {
	rules := make([][]string, len(lines))
	for i, l := range lines {
		rules[i] = rule(l)
	}
	return rules
}
