package ginadapter

import (
	"context"
	"errors"

	"github.com/gin-gonic/gin"

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
	Skip func(*gin.Context) bool
	// ErrorWriter writes refusals' status and body; the chain is aborted
	// whatever it does. The protocol headers (WWW-Authenticate, Retry-After)
	// are already set when it runs. Default: the JSON body of package guard.
	ErrorWriter func(c *gin.Context, e *guard.Error)
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
		cfg.ErrorWriter = func(c *gin.Context, e *guard.Error) { e.WriteTo(c.Writer) }
	}
	return &Middleware{guard: g, cfg: cfg}, nil
}

// refuse writes e and aborts the chain.
func (m *Middleware) refuse(c *gin.Context, e *guard.Error) {
	e.SetHeaders(c.Writer.Header())
	m.cfg.ErrorWriter(c, e)
	c.Abort()
}

// SubjectFrom returns the subject Authenticate stored for this request; ok
// is false for anonymous requests.
func SubjectFrom(c *gin.Context) (authn.Subject, bool) { return authn.FromContext(c.Request.Context()) }

// Tenant returns the tenant a guard of this middleware admitted the
// request's caller to, under Guard.Tenant; ok is false without one.
// Handlers scope their queries to it (authz.ListFilter.WhereTenant).
func Tenant(c *gin.Context) (tenant string, ok bool) { return guard.TenantFrom(c.Request.Context()) }

// enterTenant admits the caller to the tenant the request names, under
// Guard.Tenant (see guard.Guard.EnterTenant), and keeps it in the
// request's context. On refusal it has written the refusal and aborted.
func (m *Middleware) enterTenant(c *gin.Context, s authn.Subject) bool {
	ctx, e := m.guard.EnterTenant(c.Request.Context(), s, tenantRequest{c})
	if e != nil {
		m.refuse(c, e)
		return false
	}
	if ctx != c.Request.Context() {
		c.Request = c.Request.WithContext(ctx)
	}
	return true
}

// Loaded returns the resource RequireOwnership loaded for this request.
func Loaded[T any](c *gin.Context) (T, bool) { return guard.LoadedFrom[T](c.Request.Context()) }

// Authenticate authenticates every request, except those of
// Guard.PublicPaths and Skip (no authentication) and Guard.OptionalPaths
// (anonymous allowed, bad credentials refused). Use it with Engine.Use or
// on a group; requests with no or bad credentials elsewhere get 401.
func (m *Middleware) Authenticate() gin.HandlerFunc {
	return m.authenticate(func(c *gin.Context) guard.Mode {
		if m.cfg.Skip != nil && m.cfg.Skip(c) {
			return guard.Skip
		}
		return m.guard.ModeFor(c.Request.Method, c.Request.URL.Path)
	})
}

// AuthenticateOptional authenticates requests that carry credentials and
// lets those without through as anonymous; bad credentials get 401.
func (m *Middleware) AuthenticateOptional() gin.HandlerFunc {
	return m.authenticate(func(*gin.Context) guard.Mode { return guard.Optional })
}

func (m *Middleware) authenticate(mode func(*gin.Context) guard.Mode) gin.HandlerFunc {
	return func(c *gin.Context) {
		creds := guard.RequestCredentials(c.Request)
		ctx := m.guard.JoinTrace(c.Request.Context(), creds)
		s, e := m.guard.Authenticate(ctx, creds, mode(c))
		if !s.IsZero() {
			ctx = authn.NewContext(ctx, s)
		}
		if ctx != c.Request.Context() {
			c.Request = c.Request.WithContext(ctx)
		}
		if e != nil {
			m.refuse(c, e)
			return
		}
		c.Next()
	}
}

// Require guards the routes after it with req: 401 anonymous, 403 refused.
// Under Guard.Tenant, a caller who is no member of the request's tenant
// gets 404 and req is decided in the tenant.
func (m *Middleware) Require(req guard.Requirement) gin.HandlerFunc {
	return func(c *gin.Context) {
		s, _ := SubjectFrom(c)
		if !m.enterTenant(c, s) {
			return
		}
		if e := m.guard.Check(c.Request.Context(), s, req); e != nil {
			m.refuse(c, e)
			return
		}
		c.Next()
	}
}

// RequirePermission requires p.
func (m *Middleware) RequirePermission(p permissions.Permission) gin.HandlerFunc {
	return m.Require(guard.Permission(p))
}

// RequireAll requires every one of perms.
func (m *Middleware) RequireAll(perms ...permissions.Permission) gin.HandlerFunc {
	return m.Require(guard.All(perms...))
}

// RequireAny requires at least one of perms.
func (m *Middleware) RequireAny(perms ...permissions.Permission) gin.HandlerFunc {
	return m.Require(guard.Any(perms...))
}

// RequireRole requires role, held directly or through other roles.
func (m *Middleware) RequireRole(role string) gin.HandlerFunc {
	return m.Require(guard.Role(role))
}

// RequireRoles requires every one of roles (guard.AllRoles); use
// Require(guard.AnyRole(...)) for at least one.
func (m *Middleware) RequireRoles(roles ...string) gin.HandlerFunc {
	return m.Require(guard.AllRoles(roles...))
}

// RequireOwnership guards a route acting on one resource: load finds it
// (returning guard.ErrNotFound when it does not exist), and p is decided on
// it. Anonymous callers get 401, missing resources 404, refused callers
// 403. The handler finds the loaded value with Loaded. Under Guard.Tenant,
// a caller who is no member of the request's tenant gets 404 before
// anything is loaded, and load finds the tenant with Tenant.
func (m *Middleware) RequireOwnership(p permissions.Permission, load func(c *gin.Context) (guard.Loaded, error)) gin.HandlerFunc {
	if err := p.ValidateRequest(); err != nil {
		panic("ginadapter: " + err.Error())
	}
	return func(c *gin.Context) {
		s, _ := SubjectFrom(c)
		if !m.enterTenant(c, s) {
			return
		}
		ctx := c.Request.Context()
		loaded, e := m.guard.Authorize(ctx, s, p, func(context.Context) (guard.Loaded, error) { return load(c) })
		if e != nil {
			m.refuse(c, e)
			return
		}
		c.Request = c.Request.WithContext(guard.WithLoaded(ctx, loaded.Value))
		c.Next()
	}
}

// Filter returns the caller's list filter for p (FilterNone for anonymous
// callers). On error it has written the refusal and aborted; the handler
// must return. Under Guard.Tenant the filter is made in the request's
// tenant (its Tenant field set, for WhereTenant), and a caller who is no
// member gets 404.
func (m *Middleware) Filter(c *gin.Context, p permissions.Permission) (authz.ListFilter, bool) {
	s, _ := SubjectFrom(c)
	if !s.IsZero() && !m.enterTenant(c, s) {
		return authz.ListFilter{Kind: authz.FilterNone}, false
	}
	f, e := m.guard.Filter(c.Request.Context(), s, p)
	if e != nil {
		m.refuse(c, e)
		return f, false
	}
	return f, true
}

// WriteError writes err as the refusal a client should see (see
// guard.Guard.ErrorFor) and aborts: a handler's way to answer a login
// throttle (429 with Retry-After), bad credentials or a missing resource.
func (m *Middleware) WriteError(c *gin.Context, err error) {
	if err == nil {
		err = errors.New("ginadapter: WriteError(nil)")
	}
	m.refuse(c, m.guard.ErrorFor(err))
}
