package authz

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casbin/casbin/v2"

	"github.com/gatehouse-go/gatehouse/permissions"
)

// Request asks whether Subject may perform Permission, on Resource if it
// names one.
type Request struct {
	// Subject is who is asking: a user id, an API key id, or a role name to
	// ask about the role itself. Required.
	Subject string
	// Tenant is the tenant the request is made in, under a model with
	// tenants: the rules of that tenant, of the tenants above it and of
	// AllTenants apply. Empty, the request is made at the platform's level,
	// outside every tenant, and only rules for AllTenants apply. It must be
	// empty under a model without tenants.
	Tenant string
	// Permission is what they want to do, with a concrete action
	// ("posts:delete", not "posts:*"). Required.
	Permission permissions.Permission
	// Resource is what they want to do it to. Leave it zero for an action on
	// no particular resource (creating a post): then only grants with scope
	// any apply.
	Resource Resource
}

// Resource identifies the object of a request: its owner and, for the
// relations on it and its parents, its id.
type Resource struct {
	// Type is the kind of resource, such as "posts". Optional; when set it
	// must equal the permission's resource, which catches a handler checking
	// one thing and acting on another.
	Type string
	// ID identifies the resource: the relations on "Type:ID" (the
	// permission's resource when Type is empty) and on its parents apply
	// to the request. Empty, the request is about no resource in
	// particular, and no relation applies.
	ID string
	// Owner is the subject that owns the resource, or "" when nobody does.
	// Grants with scope own apply only when Owner equals the request's
	// Subject.
	Owner string
}

// Decision is the answer to a Request, with the reason for it.
type Decision struct {
	// Allowed is true only when at least one grant allows and none denies.
	Allowed bool
	// Rule is the grant that decided: the first matching deny when one
	// matched, otherwise the first matching allow, in policy order. It is the
	// zero Grant when no grant matched.
	Rule Grant
	// Request is the request decided.
	Request Request
	// Relation is the relation through which Rule applied, when the
	// subject holds Rule's role on the resource, or on a parent of it,
	// rather than everywhere: "g2, carol, editor, posts:42". Its Subject is
	// the request's subject or a group the subject is in. It is the zero
	// Relation otherwise.
	Relation Relation
}

// Matched reports whether a grant decided, as opposed to no grant matching.
func (d Decision) Matched() bool { return d.Rule.Subject != "" }

// Reason explains the decision in one line, for logs and debugging: the
// grant that allowed or denied, or that none matched. It never contains
// credentials, only the request's names.
func (d Decision) Reason() string {
	through := ""
	if d.Relation.Subject != "" {
		through = fmt.Sprintf(" through relation %q", d.Relation.String())
		if name := requestResource(d.Request); name != "" && name != d.Relation.Resource {
			through += fmt.Sprintf(" (%q is inside %q)", name, d.Relation.Resource)
		}
	}
	switch {
	case d.Allowed && d.Matched():
		return fmt.Sprintf("allowed by rule %q", d.Rule.String()) + through
	case d.Allowed:
		return "allowed by the model's matcher, no rule"
	case d.Matched():
		return fmt.Sprintf("denied by rule %q", d.Rule.String()) + through
	case d.Request.Subject == "":
		return "denied: no decision was made"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "denied: no rule grants %q to %q", string(d.Request.Permission), d.Request.Subject)
	if d.Request.Tenant != "" {
		fmt.Fprintf(&b, " in tenant %q", d.Request.Tenant)
	}
	if r := d.Request.Resource; r.ID != "" || r.Owner != "" {
		b.WriteString(" on resource")
		if r.ID != "" {
			fmt.Fprintf(&b, " %q", r.ID)
		}
		if r.Owner != "" {
			fmt.Fprintf(&b, " owned by %q", r.Owner)
		} else {
			b.WriteString(" with no owner")
		}
	}
	return b.String()
}

// String returns Reason.
func (d Decision) String() string { return d.Reason() }

// Decide answers req. It fails closed: when req is malformed, ctx is done or
// the engine fails, the Decision denies and the error says why; callers that
// only look at Decision.Allowed stay safe.
//
// A panic inside the engine is contained: the Decision denies and the error
// matches ErrEngine.
func (e *Engine) Decide(ctx context.Context, req Request) (d Decision, err error) {
	if e.sink != nil {
		n := e.decisions.Add(1)
		var start time.Time
		if e.timed(n) {
			start = time.Now()
		}
		// Runs last, after a panic's denial below: the sink sees what
		// the caller gets.
		defer func() { e.decided(ctx, n, &d, err, start) }()
	}
	defer func() {
		if r := recover(); r != nil {
			d, err = Decision{Request: req}, e.recovered(r, ErrEngine, "deciding")
		}
	}()
	// d is built where it is returned: a Decision is dozens of words, and
	// copies of it are much of a decision's cost.
	d.Request = req
	if err = ctx.Err(); err != nil {
		return
	}
	if err = validateRequest(req); err != nil {
		return
	}
	if err = e.checkRequestTenant(req.Tenant); err != nil {
		return
	}
	if err = e.Err(); err != nil {
		return
	}
	if ix := e.index.Load(); ix != nil {
		var now int64
		if ix.clocked() {
			now = e.now()
		}
		ix.decideRequest(&d, now)
		return
	}
	return e.enforce(req)
}

// decideRequest answers the validated request of d from ix at now, in d.
func (ix *index) decideRequest(d *Decision, now int64) {
	req := &d.Request
	// No relation names an id as long as MaxNameLength: a longer one, from
	// a hostile request, is not worth hashing.
	if ix.rel == nil || req.Resource.ID == "" || len(req.Resource.ID) >= MaxNameLength {
		var rule *indexedGrant
		if d.Allowed, rule = ix.decideGrant(req.Subject, req.Tenant, req.Permission, req.Resource.Owner, now); rule != nil {
			d.Rule = rule.grant
		}
		return
	}
	typ := req.Resource.Type
	if typ == "" {
		typ = req.Permission.Resource()
	}
	d.Allowed, d.Rule, d.Relation = ix.decideOn(req.Subject, req.Tenant, req.Permission, req.Resource.Owner, typ, req.Resource.ID, now)
}

// DecideAll answers every request of reqs against one state of the policy
// and one reading of the clock, as if no edit and no time came between
// them: a page that shows which of fifty posts may be edited shows one
// policy's answers. The decisions are in the order of reqs. A malformed
// request gets a denying Decision and the error names it by its index; the
// others are still answered. When the engine cannot decide at all (ctx
// done, engine unavailable), every Decision denies and the error says why.
func (e *Engine) DecideAll(ctx context.Context, reqs []Request) (decisions []Decision, err error) {
	if e.sink == nil {
		return e.decideAll(ctx, reqs)
	}
	var start time.Time
	if e.timingEvery != 0 {
		start = time.Now()
	}
	decisions, err = e.decideAll(ctx, reqs)
	for i := range decisions {
		// The batch's time, and its error, go with each of its decisions.
		n := e.decisions.Add(1)
		at := start
		if !e.timed(n) {
			at = time.Time{}
		}
		e.decided(ctx, n, &decisions[i], err, at)
	}
	return decisions, err
}

// decideAll is DecideAll without the decision sink.
func (e *Engine) decideAll(ctx context.Context, reqs []Request) (decisions []Decision, err error) {
	decisions = make([]Decision, len(reqs))
	for i, req := range reqs {
		decisions[i] = Decision{Request: req}
	}
	defer func() {
		if r := recover(); r != nil {
			for i, req := range reqs {
				decisions[i] = Decision{Request: req}
			}
			err = e.recovered(r, ErrEngine, "deciding")
		}
	}()
	if err := ctx.Err(); err != nil {
		return decisions, err
	}
	if err := e.Err(); err != nil {
		return decisions, err
	}
	ix := e.index.Load()
	var now int64
	if ix != nil && ix.clocked() {
		now = e.now()
	}
	if ix == nil {
		// Casbin's Enforce decides: one read lock holds its policy still.
		e.mu.RLock()
		defer e.mu.RUnlock()
	}
	var errs []error
	for i, req := range reqs {
		invalid := validateRequest(req)
		if invalid == nil {
			invalid = e.checkRequestTenant(req.Tenant)
		}
		if invalid != nil {
			errs = append(errs, fmt.Errorf("request %d: %w", i, invalid))
			continue
		}
		if ix != nil {
			ix.decideRequest(&decisions[i], now)
			continue
		}
		d, err := e.enforceLocked(req)
		if err != nil {
			errs = append(errs, fmt.Errorf("request %d: %w", i, err))
			continue
		}
		decisions[i] = d
	}
	return decisions, errors.Join(errs...)
}

// enforce answers req with Casbin's Enforce, for models the index does not
// understand (and for the tests that prove the index equal to it).
func (e *Engine) enforce(req Request) (Decision, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.enforceLocked(req)
}

// enforceLocked is enforce for a caller that holds e.mu.
func (e *Engine) enforceLocked(req Request) (Decision, error) {
	asked := ownedRequest(req)
	values := []any{asked.Subject, string(asked.Permission), asked.Resource.Owner}
	if e.tenanted {
		values = []any{asked.Subject, asked.Tenant, string(asked.Permission), asked.Resource.Owner}
	}
	enforcer := e.enforcer
	if e.indexed {
		var err error
		if enforcer, err = e.referenceEnforcer(); err != nil {
			return Decision{Request: req}, err
		}
	}
	allowed, explain, err := enforcer.EnforceEx(values...)
	if err != nil {
		return Decision{Request: req}, fmt.Errorf("%w: %w", ErrEngine, err)
	}
	return Decision{Allowed: allowed, Rule: grantFromRule(explain), Request: req}, nil
}

// referenceEnforcer returns a Casbin enforcer holding the policy the index
// holds, made once per edit when first asked: Casbin's Enforce on the same
// model and policy, the semantics the index is proven equal to. Decisions
// never ask for it; the tests that prove the index do.
func (e *Engine) referenceEnforcer() (*casbin.Enforcer, error) {
	ix := e.index.Load()
	e.referenceMu.Lock()
	defer e.referenceMu.Unlock()
	if e.reference == nil || e.referenceOf != ix {
		enforcer, err := e.casbinEnforcer(ix.policy())
		if err != nil {
			return nil, err
		}
		e.reference, e.referenceOf = enforcer, ix
	}
	return e.reference, nil
}

// validateRequest rejects what no policy could answer safely.
func validateRequest(req Request) error {
	if err := validateName("subject", req.Subject); err != nil {
		return err
	}
	if err := req.Permission.ValidateRequest(); err != nil {
		return err
	}
	if t := req.Resource.Type; t != "" && t != req.Permission.Resource() {
		return fmt.Errorf("%w: resource type %q does not match permission %q", ErrInvalidRequest, t, string(req.Permission))
	}
	return nil
}
