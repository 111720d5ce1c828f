package authz

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/gatehouse-go/gatehouse"
)

// Engine decides requests against one policy and edits it at runtime. Build
// one with New and share it: it is safe for concurrent use.
type Engine struct {
	// editMu serialises edits and reloads, so each sees the policy its
	// predecessor left. Decisions never take it.
	editMu sync.Mutex
	// mu guards enforcer: decisions and queries read under RLock; an edit
	// takes Lock only to apply a change already persisted. For an indexed
	// model the enforcer holds the model only: the index is the policy.
	mu       sync.RWMutex
	enforcer *casbin.Enforcer
	// reference is a Casbin enforcer holding the policy of referenceOf,
	// for an indexed model, made when Casbin's own answer is asked for
	// (see enforceLocked); guarded by referenceMu.
	referenceMu sync.Mutex
	reference   *casbin.Enforcer
	referenceOf *index

	// index answers decisions for models it understands (indexed); nil
	// otherwise. Decisions load it without a lock; edits swap in a new one.
	index   atomic.Pointer[index]
	indexed bool
	// tenanted is set under a model with tenants.
	tenanted bool
	// shard, when WithTenants restricts the engine, names the tenants it
	// holds; nil when it holds all of them.
	shard *tenantShard
	// nextSeq numbers the next grant added, after every grant in the
	// index, as Casbin orders its policy; guarded by editMu.
	nextSeq uint64

	// revision is the store's revision the policy in memory is at; guarded
	// by editMu.
	revision int64
	// liveRevision is revision as decisions read it, without editMu, for
	// decision events and Status; setRevision sets both.
	liveRevision atomic.Int64

	// sink receives every sinkEvery-th decision (WithDecisionSink);
	// decisions counts them all.
	sink DecisionSink
	// observer hears of edits and store failures (WithObserver); nil
	// without.
	observer    Observer
	sinkEvery   uint64
	timingEvery uint64 // one in timingEvery of the decisions sunk is timed; 0 none
	decisions   atomic.Uint64

	model model.Model // the validated model, without policy
	store Store       // nil when the policy lives in memory only

	// reloads counts full loads after New (Status.Reloads), which tell
	// incremental catching up from reloading.
	reloads atomic.Int64

	// sync, when the engine follows peers through a notifier, publishes
	// edits and says whether the policy in memory can be vouched for.
	sync *replication

	// failed is set when a panic may have left memory inconsistent, and
	// cleared by the next successful install (see contain.go).
	failed atomic.Pointer[engineFailure]
	logger *slog.Logger
	// clock, when set (WithClock), replaces the system clock.
	clock func() time.Time
	// sweeper sweeps expired lines (WithSweepEvery); nil without.
	sweeper *sweeper
}

// New builds an Engine. With no options it uses the model and policy
// embedded in package gatehouse, in memory. Options choose the model
// (WithModel, WithModelFile), the initial policy (WithPolicy,
// WithPolicyFile) and a store to persist it in (WithStore).
//
// The model must have one of gatehouse's shapes: requests "r = sub, perm,
// owner", grants "p = sub, perm, scope, eft", one role definition "g = _,
// _", and the deny-overrides effect; or, with tenants (gatehouse.TenantModel,
// Casbin's RBAC with domains), "r = sub, dom, perm, owner", "p = sub, dom,
// perm, scope, eft" and "g = _, _, _". The matcher is free. Anything else is
// refused with ErrUnsupportedModel. Every policy line, from a file or a
// database, is validated, its tenant included; the first bad one fails New
// with a *PolicyError. A model with tenants starts from no rules unless
// WithPolicy gives some: the embedded default policy has no tenants.
//
// ctx bounds the work New does on the store: seeding and loading the
// policy.
func New(ctx context.Context, opts ...Option) (*Engine, error) {
	var c config
	for _, opt := range opts {
		opt(&c)
	}
	modelSource, modelText, err := c.resolveModel()
	if err != nil {
		return nil, err
	}
	m, tenanted, err := loadModel(modelSource, modelText)
	if err != nil {
		return nil, err
	}
	e := &Engine{model: m, indexed: indexable(m, tenanted), tenanted: tenanted, logger: c.logger, clock: c.clock,
		sink: c.sink, sinkEvery: c.sinkEvery, timingEvery: c.timingEvery, observer: c.observer}
	if e.logger == nil {
		e.logger = slog.Default()
	}
	initial, err := c.resolvePolicy(tenanted, e.checkRuleShape)
	if err != nil {
		return nil, err
	}
	if err := e.checkPolicyLines("policy", initial); err != nil {
		return nil, err
	}
	if c.tenants != nil {
		if e.shard, err = newTenantShard(tenanted, c.tenants); err != nil {
			return nil, err
		}
	}
	// Without a store, the engine keeps the given policy's names: they
	// are substrings of the engine's own copy of its text (resolvePolicy).
	policy := e.shard.filter(initial)
	if c.store != nil {
		e.store = c.store
		if err := e.seedStore(ctx, initial); err != nil {
			return nil, err
		}
		var revision int64
		if policy, revision, err = e.loadStore(ctx); err != nil {
			return nil, err
		}
		e.setRevision(revision)
	} else if c.notifier != nil {
		return nil, fmt.Errorf("%w: WithNotifier needs WithStore", ErrStore)
	}
	if err := e.install(policy); err != nil {
		return nil, err
	}
	if c.notifier != nil {
		shared, ok := c.store.(SharedStore)
		if !ok {
			return nil, fmt.Errorf("%w: WithNotifier needs a SharedStore, and %s has no Identity", ErrStore, storeSource(c.store))
		}
		if e.sync, err = follow(ctx, e, shared, c); err != nil {
			return nil, err
		}
	}
	if c.sweepEvery > 0 {
		e.startSweeper(c.sweepEvery)
	}
	return e, nil
}

// Err returns nil while the engine can vouch for the policy it decides on,
// and otherwise an error matching ErrUnavailable that says why; decisions
// fail with it meanwhile. An engine following its peers (WithNotifier) is
// unavailable while its notifier is disconnected, its store does not
// answer, or reloading failed. Any engine is unavailable after a panic
// inside Casbin or its store may have left the policy in memory
// inconsistent, until the next edit or Reload has rebuilt it. Use it for
// readiness checks.
func (e *Engine) Err() error {
	if err := e.failure(); err != nil {
		return err
	}
	if e.sync == nil {
		return nil
	}
	return e.sync.err()
}

// Close stops following peers' edits (WithNotifier), after which
// decisions fail with ErrUnavailable, and stops sweeping expired lines
// (WithSweepEvery). It does not close the notifier or the database, which
// belong to the caller. Close on an engine that does neither does nothing.
func (e *Engine) Close() {
	if e.sync != nil {
		e.sync.close()
	}
	if e.sweeper != nil {
		e.sweeper.close()
	}
}

// install makes policy the one decisions read: a new Casbin enforcer and,
// for an indexed model, a new index, swapped in together. The policy's
// names must be the engine's own (see owned.go). On success memory is
// whole again, whatever failure came before.
func (e *Engine) install(policy Policy) (err error) {
	defer e.contain(&err, "loading the policy")
	enforcer, err := e.newEnforcer(policy)
	if err != nil {
		return err
	}
	var ix *index
	if e.indexed {
		ix = buildIndex(policy, e.tenanted)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.enforcer = enforcer
	if e.indexed {
		e.index.Store(ix)
		e.nextSeq = uint64(len(policy.Grants))
	}
	e.failed.Store(nil)
	return nil
}

// Indexed reports whether decisions come from the engine's index (the
// model's matcher is gatehouse's own) rather than from Casbin's Enforce,
// which scans the whole policy. Both give the same answers and reasons.
func (e *Engine) Indexed() bool { return e.indexed }

// resolveModel returns the model's source name and text.
func (c *config) resolveModel() (source, text string, err error) {
	switch {
	case c.modelFile != "":
		b, err := os.ReadFile(c.modelFile)
		if err != nil {
			return "", "", fmt.Errorf("%w: %w", ErrUnsupportedModel, err)
		}
		return c.modelFile, string(b), nil
	case c.modelText != "":
		return "model", c.modelText, nil
	}
	return "model.conf (embedded)", gatehouse.DefaultModel(), nil
}

// resolvePolicy parses the initial policy, checking each rule's tenant
// with checkTenant. A model with tenants has no default policy.
func (c *config) resolvePolicy(tenanted bool, checkTenant func(string) error) (Policy, error) {
	switch {
	case c.policyFile != "":
		b, err := os.ReadFile(c.policyFile)
		if err != nil {
			return Policy{}, fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
		}
		return parsePolicy(c.policyFile, string(b), checkTenant)
	case c.policySet:
		// One copy of the caller's text, whose substrings are then the
		// engine's own (see owned.go), rather than a copy of every name.
		return parsePolicy("policy", strings.Clone(c.policyText), checkTenant)
	case tenanted:
		return Policy{}, nil
	}
	return parsePolicy("policy.csv (embedded)", gatehouse.DefaultPolicy(), checkTenant)
}

// newEnforcer builds a Casbin enforcer holding policy, and makes one
// decision with it so that a matcher Casbin cannot evaluate fails New rather
// than every later decision.
func (e *Engine) newEnforcer(policy Policy) (*casbin.Enforcer, error) {
	if e.indexed {
		// The index holds the policy, and Casbin the model only: one copy
		// of every line, not two. Casbin's Enforce stays the reference the
		// index is proven equal to (see referenceEnforcer).
		policy = Policy{}
	}
	return e.casbinEnforcer(policy)
}

// casbinEnforcer builds a Casbin enforcer holding policy, checked as
// newEnforcer says.
func (e *Engine) casbinEnforcer(policy Policy) (*casbin.Enforcer, error) {
	enforcer, err := casbin.NewEnforcer(e.model.Copy())
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnsupportedModel, err)
	}
	// The engine persists edits itself, atomically, before applying them.
	enforcer.EnableAutoSave(false)
	if e.tenanted && e.indexed {
		// Casbin matches the tenants of role assignments with keyMatch
		// when the matcher has keyMatch(r.dom, p.dom), at a cost that grows
		// with the number of tenants on every assignment it loads. The
		// index matches tenants itself and reads Casbin's role manager for
		// exact tenants only, so Casbin's matching is turned off. Under
		// another matcher Casbin decides, and keeps its own matching: "*"
		// for every tenant, and no tenants below others.
		enforcer.AddNamedDomainMatchingFunc("g", "exact", nil)
	}
	if len(policy.Grants) > 0 {
		if _, err := enforcer.AddPolicies(grantRules(policy.Grants)); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrEngine, err)
		}
	}
	if len(policy.Roles) > 0 {
		if _, err := enforcer.AddGroupingPolicies(roleRules(policy.Roles)); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrEngine, err)
		}
	}
	probe := []any{"gatehouse-probe", "probe:check", ""}
	if e.tenanted {
		probe = []any{"gatehouse-probe", "probe", "probe:check", ""}
	}
	if _, err := enforcer.Enforce(probe...); err != nil {
		return nil, fmt.Errorf("%w: the matcher cannot be evaluated: %w", ErrUnsupportedModel, err)
	}
	return enforcer, nil
}

// Reload replaces the in-memory policy with the one in the store, for when
// another process has edited it. It is all or nothing: if the store cannot
// be read or holds a line that does not validate, the current policy stays
// in force and the error is returned. Without a store Reload does nothing.
func (e *Engine) Reload(ctx context.Context) error {
	if e.store == nil {
		return nil
	}
	e.editMu.Lock()
	defer e.editMu.Unlock()
	return e.reloadLocked(ctx)
}

// setRevision records that memory is at the store's revision; the caller
// holds editMu (or is New).
func (e *Engine) setRevision(revision int64) {
	e.revision = revision
	e.liveRevision.Store(revision)
}

func (e *Engine) reloadLocked(ctx context.Context) error {
	policy, revision, err := e.loadStore(ctx)
	if err != nil {
		return err
	}
	if err := e.install(policy); err != nil {
		return err
	}
	e.setRevision(revision)
	e.reloads.Add(1)
	return nil
}

func grantRules(grants []Grant) [][]string {
	rules := make([][]string, len(grants))
	for i, g := range grants {
		rules[i] = g.rule()
	}
	return rules
}

func roleRules(roles []RoleAssignment) [][]string {
	rules := make([][]string, len(roles))
	for i, a := range roles {
		rules[i] = a.rule()
	}
	return rules
}
