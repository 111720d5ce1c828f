package fiberadapter

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v3"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Config configures the middleware.
type Config struct {
	// Guard holds what every adapter shares: authenticator, engine, realm,
	// public and optional paths, denial logger.
	Guard guard.Config
	// Skip, when set, exempts the requests it returns true for from
	// authentication, as Guard.PublicPaths does by path.
	Skip func(fiber.Ctx) bool
	// ErrorWriter writes refusals' status and body; the chain stops whatever
	// it does. The protocol headers (WWW-Authenticate, Retry-After) are
	// already set when it runs. Default: the JSON body of package guard.
	ErrorWriter func(c fiber.Ctx, e *guard.Error) error
}

// Middleware holds the configured guards. It is safe for concurrent use.
type Middleware struct {
	guard *guard.Guard
	cfg   Config
}

// Guard is the middleware's guard, for what watches it: its held-back log
// lines (Guard.DroppedLogs), which package observe reports.
func (m *Middleware) Guard() *guard.Guard { return m.guard }

// New checks cfg and returns the middleware.
func New(cfg Config) (*Middleware, error) {
	g, err := guard.New(cfg.Guard)
	if err != nil {
		return nil, err
	}
	if cfg.ErrorWriter == nil {
		cfg.ErrorWriter = writeJSON
	}
	return &Middleware{guard: g, cfg: cfg}, nil
}

// writeJSON is the default ErrorWriter: guard's JSON body.
func writeJSON(c fiber.Ctx, e *guard.Error) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(e.Status).Send(e.Body())
}

// refuse sets e's protocol headers and writes it.
func (m *Middleware) refuse(c fiber.Ctx, e *guard.Error) error {
	for name, values := range e.Header {
		if len(values) > 0 {
			c.Set(name, values[0])
		}
	}
	return m.cfg.ErrorWriter(c, e)
}

// SubjectFrom returns the subject Authenticate stored for this request; ok
// is false for anonymous requests.
func SubjectFrom(c fiber.Ctx) (authn.Subject, bool) { return authn.FromContext(c.Context()) }

// Tenant returns the tenant a guard of this middleware admitted the
// request's caller to, under Guard.Tenant; ok is false without one. It is
// a copy, not Fiber's buffer: handlers may keep it. They scope their
// queries to it (authz.ListFilter.WhereTenant).
func Tenant(c fiber.Ctx) (tenant string, ok bool) { return guard.TenantFrom(c.Context()) }

// enterTenant admits the caller to the tenant the request names, under
// Guard.Tenant (see guard.Guard.EnterTenant), and keeps it in the
// request's context. When ok is false the refusal has been written.
func (m *Middleware) enterTenant(c fiber.Ctx, s authn.Subject) (ok bool, err error) {
	ctx, e := m.guard.EnterTenant(c.Context(), s, tenantRequest{credentials{c}})
	if e != nil {
		return false, m.refuse(c, e)
	}
	if ctx != c.Context() {
		c.SetContext(ctx)
	}
	return true, nil
}

// Loaded returns the resource RequireOwnership loaded for this request.
func Loaded[T any](c fiber.Ctx) (T, bool) { return guard.LoadedFrom[T](c.Context()) }

// Authenticate authenticates every request, except those of
// Guard.PublicPaths and Skip (no authentication) and Guard.OptionalPaths
// (anonymous allowed, bad credentials refused). Use it with app.Use;
// requests with no or bad credentials elsewhere get 401.
func (m *Middleware) Authenticate() fiber.Handler {
	return m.authenticate(func(c fiber.Ctx) guard.Mode {
		if m.cfg.Skip != nil && m.cfg.Skip(c) {
			return guard.Skip
		}
		return m.guard.ModeFor(c.Method(), c.Path())
	})
}

// AuthenticateOptional authenticates requests that carry credentials and
// lets those without through as anonymous; bad credentials get 401.
func (m *Middleware) AuthenticateOptional() fiber.Handler {
	return m.authenticate(func(fiber.Ctx) guard.Mode { return guard.Optional })
}

func (m *Middleware) authenticate(mode func(fiber.Ctx) guard.Mode) fiber.Handler {
	return func(c fiber.Ctx) error {
		ctx := m.guard.JoinTrace(c.Context(), credentials{c})
		s, e := m.guard.Authenticate(ctx, credentials{c}, mode(c))
		if !s.IsZero() {
			ctx = authn.NewContext(ctx, s)
		}
		if ctx != c.Context() {
			c.SetContext(ctx)
		}
		if e != nil {
			return m.refuse(c, e)
		}
		return c.Next()
	}
}

// Require guards a route with req: 401 anonymous, 403 refused. Under
// Guard.Tenant, a caller who is no member of the request's tenant gets 404
// and req is decided in the tenant.
func (m *Middleware) Require(req guard.Requirement) fiber.Handler {
	return func(c fiber.Ctx) error {
		s, _ := SubjectFrom(c)
		if ok, err := m.enterTenant(c, s); !ok {
			return err
		}
		if e := m.guard.Check(c.Context(), s, req); e != nil {
			return m.refuse(c, e)
		}
		return c.Next()
	}
}

// RequirePermission requires p.
func (m *Middleware) RequirePermission(p permissions.Permission) fiber.Handler {
	return m.Require(guard.Permission(p))
}

// RequireAll requires every one of perms.
func (m *Middleware) RequireAll(perms ...permissions.Permission) fiber.Handler {
	return m.Require(guard.All(perms...))
}

// RequireAny requires at least one of perms.
func (m *Middleware) RequireAny(perms ...permissions.Permission) fiber.Handler {
	return m.Require(guard.Any(perms...))
}

// RequireRole requires role, held directly or through other roles.
func (m *Middleware) RequireRole(role string) fiber.Handler {
	return m.Require(guard.Role(role))
}

// RequireRoles requires every one of roles (guard.AllRoles); use
// Require(guard.AnyRole(...)) for at least one.
func (m *Middleware) RequireRoles(roles ...string) fiber.Handler {
	return m.Require(guard.AllRoles(roles...))
}

// RequireOwnership guards a route acting on one resource: load finds it
// (returning guard.ErrNotFound when it does not exist), and p is decided on
// it. Anonymous callers get 401, missing resources 404, refused callers
// 403. The handler finds the loaded value with Loaded. Under Guard.Tenant,
// a caller who is no member of the request's tenant gets 404 before
// anything is loaded, and load finds the tenant with Tenant.
func (m *Middleware) RequireOwnership(p permissions.Permission, load func(c fiber.Ctx) (guard.Loaded, error)) fiber.Handler {
	if err := p.ValidateRequest(); err != nil {
		panic("fiberadapter: " + err.Error())
	}
	return func(c fiber.Ctx) error {
		s, _ := SubjectFrom(c)
		if ok, err := m.enterTenant(c, s); !ok {
			return err
		}
		ctx := c.Context()
		loaded, e := m.guard.Authorize(ctx, s, p, func(context.Context) (guard.Loaded, error) { return load(c) })
		if e != nil {
			return m.refuse(c, e)
		}
		c.SetContext(guard.WithLoaded(ctx, loaded.Value))
		return c.Next()
	}
}

// Filter returns the caller's list filter for p (FilterNone for anonymous
// callers). When ok is false the refusal has been written, and the handler
// must return err. Under Guard.Tenant the filter is made in the request's
// tenant (its Tenant field set, for WhereTenant), and a caller who is no
// member gets 404.
func (m *Middleware) Filter(c fiber.Ctx, p permissions.Permission) (f authz.ListFilter, ok bool, err error) {
	s, _ := SubjectFrom(c)
	if !s.IsZero() {
		if ok, err := m.enterTenant(c, s); !ok {
			return authz.ListFilter{Kind: authz.FilterNone}, false, err
		}
	}
	f, e := m.guard.Filter(c.Context(), s, p)
	if e != nil {
		return f, false, m.refuse(c, e)
	}
	return f, true, nil
}

// WriteError writes err as the refusal a client should see (see
// guard.Guard.ErrorFor): a handler's way to answer a login throttle (429
// with Retry-After), bad credentials or a missing resource. Return its
// result from the handler.
func (m *Middleware) WriteError(c fiber.Ctx, err error) error {
	if err == nil {
		err = errors.New("fiberadapter: WriteError(nil)")
	}
	return m.refuse(c, m.guard.ErrorFor(err))
}
