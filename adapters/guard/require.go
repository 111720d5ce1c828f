package guard

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Requirement is what a route demands of its caller: every one of some
// permissions, any one of them, or a role. Build one with Permission, All,
// Any or Role.
type Requirement struct {
	perms []permissions.Permission
	roles []string
	any   bool
	// mfa demands a login with a second factor; mfaOnly that and nothing
	// else (MFA).
	mfa, mfaOnly bool
}

// MFA requires nothing but a login with a second factor (the subject's
// ACR is authn.ACRMultiFactor): the step-up of RFC 9470 for routes that a
// stolen password alone must not reach. A caller without one gets 401
// error="insufficient_user_authentication" with acr_values="aal2", and
// logs in again with the factor. Add it to another requirement with
// WithMFA.
func MFA() Requirement { return Requirement{mfa: true, mfaOnly: true} }

// WithMFA returns r demanding, besides, a login with a second factor (see
// MFA). The factor is checked first: a caller without one is told to log
// in again before being told what the policy refuses.
func (r Requirement) WithMFA() Requirement {
	r.mfa = true
	return r
}

// Permission requires p. Like regexp.MustCompile it panics on a malformed
// permission, since requirements are written into the program and a typo
// should stop it at start-up rather than deny every request.
func Permission(p permissions.Permission) Requirement { return All(p) }

// All requires every one of perms (match-all). It panics on a malformed
// permission or an empty list.
func All(perms ...permissions.Permission) Requirement {
	return Requirement{perms: mustPermissions(perms)}
}

// Any requires at least one of perms (at-least-one). It panics on a
// malformed permission or an empty list.
func Any(perms ...permissions.Permission) Requirement {
	return Requirement{perms: mustPermissions(perms), any: true}
}

// Role requires role, held directly or through other roles. It panics on an
// empty role.
func Role(role string) Requirement { return AllRoles(role) }

// AllRoles requires every one of roles. It panics on an empty list or role.
func AllRoles(roles ...string) Requirement { return Requirement{roles: mustRoles(roles)} }

// AnyRole requires at least one of roles. It panics on an empty list or
// role.
func AnyRole(roles ...string) Requirement { return Requirement{roles: mustRoles(roles), any: true} }

func mustRoles(roles []string) []string {
	if len(roles) == 0 {
		panic("guard: a requirement needs at least one role")
	}
	for _, r := range roles {
		if strings.TrimSpace(r) == "" {
			panic("guard: empty role")
		}
	}
	return slices.Clone(roles)
}

func mustPermissions(perms []permissions.Permission) []permissions.Permission {
	if len(perms) == 0 {
		panic("guard: a requirement needs at least one permission")
	}
	for _, p := range perms {
		if err := p.ValidateRequest(); err != nil {
			panic("guard: " + err.Error())
		}
	}
	return slices.Clone(perms)
}

// String describes the requirement, for logs.
func (r Requirement) String() string {
	switch {
	case r.mfaOnly:
		return "a second factor"
	case r.mfa:
		r.mfa = false
		return r.String() + ", with a second factor"
	case len(r.roles) == 1:
		return "role " + r.roles[0]
	case len(r.roles) > 1 && r.any:
		return "any of roles " + strings.Join(r.roles, ", ")
	case len(r.roles) > 1:
		return "all of roles " + strings.Join(r.roles, ", ")
	case r.any && len(r.perms) > 1:
		return "any of " + joinPerms(r.perms)
	case len(r.perms) > 1:
		return "all of " + joinPerms(r.perms)
	case len(r.perms) == 1:
		return string(r.perms[0])
	}
	return "nothing"
}

func joinPerms(perms []permissions.Permission) string {
	s := make([]string, len(perms))
	for i, p := range perms {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// Check decides whether subject meets req: 401 when subject is anonymous,
// 403 when it does not meet it, 503 when it cannot be decided, nil when it
// does. Every denial is logged with the reason.
func (g *Guard) Check(ctx context.Context, subject authn.Subject, req Requirement) *Error {
	o := g.cfg.Observer
	if o == nil {
		return g.check(ctx, subject, req, nil)
	}
	ctx = g.observing(ctx, o.Authorizing)
	var seen checked
	e := g.check(ctx, subject, req, &seen)
	g.authorized(ctx, subject, req.String(), authz.Resource{}, seen, e)
	return e
}

// checked is what a check saw, for its Observer: the tenant it was made in
// and its last decision.
type checked struct {
	tenant   string
	decision authz.Decision
}

// authorized tells the observer of a check of subject for required.
func (g *Guard) authorized(ctx context.Context, subject authn.Subject, required string, resource authz.Resource, seen checked, e *Error) {
	ev := AuthorizationEvent{Outcome: authorizationOutcome(e), Subject: subject.ID, Tenant: seen.tenant,
		Required: required, Resource: resource, Decision: seen.decision, Refusal: e}
	g.observed(func() { g.cfg.Observer.Authorized(ctx, ev) })
}

// check is Check, recording what it saw in seen when seen is not nil.
func (g *Guard) check(ctx context.Context, subject authn.Subject, req Requirement, seen *checked) *Error {
	if subject.IsZero() {
		return g.unauthorized(CodeUnauthorized, "authentication required", authn.ErrNoCredentials, false)
	}
	if req.mfa {
		if err := subject.RequireMFA(); err != nil {
			g.logLimited(ctx, slog.LevelInfo, "mfa\x00"+subject.ID, "guard: a second factor is required", "subject", subject.ID,
				"method", string(subject.Method), "acr", subject.ACR)
			return g.reauthenticate(err)
		}
		if req.mfaOnly {
			return nil
		}
	}
	if g.cfg.Engine == nil {
		return g.ErrorFor(fmt.Errorf("guard: no authz engine configured"))
	}
	tenant, e := g.tenantOf(ctx, subject)
	if e != nil {
		return e
	}
	if seen != nil {
		seen.tenant = tenant
	}
	in := g.cfg.Engine.Tenant(tenant)
	if len(req.roles) > 0 {
		return g.checkRoles(ctx, in, subject, req)
	}
	if len(req.perms) == 0 {
		// The zero Requirement demands nothing nameable: refuse rather than
		// let a forgotten constructor allow everyone.
		return g.deny(ctx, subject, tenant, req.String(), "empty requirement")
	}
	var reasons []string
	for _, p := range req.perms {
		d, err := in.Decide(ctx, authz.Request{Subject: subject.ID, Permission: p})
		if seen != nil {
			seen.decision = d
		}
		if err != nil {
			return g.failed(ctx, subject, err)
		}
		if d.Allowed && req.any {
			return nil
		}
		if !d.Allowed && !req.any {
			return g.deny(ctx, subject, tenant, req.String(), d.Reason())
		}
		if req.any {
			reasons = append(reasons, d.Reason())
		}
	}
	if req.any {
		return g.deny(ctx, subject, tenant, req.String(), strings.Join(reasons, "; "))
	}
	return nil
}

// CheckResource decides whether subject may perform perm on resource, whose
// Owner the caller has loaded: 401 anonymous, 403 refused, nil allowed.
func (g *Guard) CheckResource(ctx context.Context, subject authn.Subject, perm permissions.Permission, resource authz.Resource) *Error {
	o := g.cfg.Observer
	if o == nil {
		return g.checkResource(ctx, subject, perm, resource, nil)
	}
	ctx = g.observing(ctx, o.Authorizing)
	var seen checked
	e := g.checkResource(ctx, subject, perm, resource, &seen)
	g.authorized(ctx, subject, string(perm), resource, seen, e)
	return e
}

// checkResource is CheckResource, recording what it saw in seen when seen
// is not nil.
func (g *Guard) checkResource(ctx context.Context, subject authn.Subject, perm permissions.Permission, resource authz.Resource, seen *checked) *Error {
	if subject.IsZero() {
		return g.unauthorized(CodeUnauthorized, "authentication required", authn.ErrNoCredentials, false)
	}
	if g.cfg.Engine == nil {
		return g.ErrorFor(fmt.Errorf("guard: no authz engine configured"))
	}
	tenant, e := g.tenantOf(ctx, subject)
	if e != nil {
		return e
	}
	d, err := g.cfg.Engine.Tenant(tenant).Decide(ctx, authz.Request{Subject: subject.ID, Permission: perm, Resource: resource})
	if seen != nil {
		seen.tenant, seen.decision = tenant, d
	}
	if err != nil {
		return g.failed(ctx, subject, err)
	}
	if !d.Allowed {
		return g.deny(ctx, subject, tenant, string(perm), d.Reason())
	}
	return nil
}

// Filter answers which resources of perm's type subject may list (see
// authz.Engine.Filter). An anonymous subject gets FilterNone and no error:
// listing routes usually serve anonymous callers something public.
func (g *Guard) Filter(ctx context.Context, subject authn.Subject, perm permissions.Permission) (authz.ListFilter, *Error) {
	o := g.cfg.Observer
	if o == nil || subject.IsZero() {
		return g.filter(ctx, subject, perm, nil)
	}
	ctx = g.observing(ctx, o.Authorizing)
	var seen checked
	f, e := g.filter(ctx, subject, perm, &seen)
	g.authorized(ctx, subject, string(perm), authz.Resource{}, seen, e)
	return f, e
}

// filter is Filter, recording the tenant in seen when seen is not nil.
func (g *Guard) filter(ctx context.Context, subject authn.Subject, perm permissions.Permission, seen *checked) (authz.ListFilter, *Error) {
	if subject.IsZero() {
		return authz.ListFilter{Kind: authz.FilterNone}, nil
	}
	if g.cfg.Engine == nil {
		return authz.ListFilter{Kind: authz.FilterNone}, g.ErrorFor(fmt.Errorf("guard: no authz engine configured"))
	}
	tenant, e := g.tenantOf(ctx, subject)
	if e != nil {
		return authz.ListFilter{Kind: authz.FilterNone}, e
	}
	if seen != nil {
		seen.tenant = tenant
	}
	f, err := g.cfg.Engine.Tenant(tenant).Filter(ctx, subject.ID, perm)
	if err != nil {
		return authz.ListFilter{Kind: authz.FilterNone}, g.failed(ctx, subject, err)
	}
	return f, nil
}

func (g *Guard) checkRoles(ctx context.Context, in authz.Tenant, subject authn.Subject, req Requirement) *Error {
	held, err := in.Roles(ctx, subject.ID)
	if err != nil {
		return g.failed(ctx, subject, err)
	}
	for _, role := range req.roles {
		has := slices.Contains(held, role)
		if has && req.any {
			return nil
		}
		if !has && !req.any {
			return g.deny(ctx, subject, in.Name(), req.String(), fmt.Sprintf("%q does not hold role %q", subject.ID, role))
		}
	}
	if req.any {
		return g.deny(ctx, subject, in.Name(), req.String(), fmt.Sprintf("%q holds none of the roles", subject.ID))
	}
	return nil
}

// deny logs a denial, in tenant when there is one, and returns the 403.
func (g *Guard) deny(ctx context.Context, subject authn.Subject, tenant, wanted, reason string) *Error {
	key := "deny\x00" + subject.ID + "\x00" + tenant + "\x00" + wanted
	if tenant != "" {
		g.logLimited(ctx, slog.LevelInfo, key, "access denied", "subject", subject.ID, "credential", string(subject.Method),
			"tenant", tenant, "required", wanted, "reason", reason)
	} else {
		g.logLimited(ctx, slog.LevelInfo, key, "access denied",
			"subject", subject.ID, "credential", string(subject.Method), "required", wanted, "reason", reason)
	}
	return &Error{Status: http.StatusForbidden, Code: CodeForbidden, Message: "you may not " + wanted}
}

// failed logs a decision that could not be made and returns its refusal:
// fail closed, never allow.
func (g *Guard) failed(ctx context.Context, subject authn.Subject, err error) *Error {
	g.log.WarnContext(ctx, "access decision failed", "subject", subject.ID, "error", err.Error())
	return g.ErrorFor(err)
}
