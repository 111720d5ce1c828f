package httpadapter

import (
	"context"
	"errors"
	"net/http"

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
	Skip func(*http.Request) bool
	// ErrorWriter writes refusals' status and body. The protocol headers
	// (WWW-Authenticate, Retry-After) are already set when it runs. Default:
	// (*guard.Error).WriteTo, the JSON body of package guard.
	ErrorWriter func(w http.ResponseWriter, r *http.Request, e *guard.Error)
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
		cfg.ErrorWriter = func(w http.ResponseWriter, _ *http.Request, e *guard.Error) { e.WriteTo(w) }
	}
	return &Middleware{guard: g, cfg: cfg}, nil
}

// refuse writes e: its protocol headers, then the configured writer.
func (m *Middleware) refuse(w http.ResponseWriter, r *http.Request, e *guard.Error) {
	e.SetHeaders(w.Header())
	m.cfg.ErrorWriter(w, r, e)
}

// SubjectFrom returns the subject Authenticate stored in ctx; ok is false
// for anonymous requests.
func SubjectFrom(ctx context.Context) (authn.Subject, bool) { return authn.FromContext(ctx) }

// Tenant returns the tenant the request's caller was admitted to by a
// guard of this middleware, under Guard.Tenant; ok is false without one.
// Handlers scope their queries to it (authz.ListFilter.WhereTenant).
func Tenant(r *http.Request) (tenant string, ok bool) { return guard.TenantFrom(r.Context()) }

// enterTenant admits the caller of r to the tenant r names, under
// Guard.Tenant (see guard.Guard.EnterTenant), and returns r carrying it.
// On refusal it has written the refusal.
func (m *Middleware) enterTenant(w http.ResponseWriter, r *http.Request, s authn.Subject) (*http.Request, bool) {
	ctx, e := m.guard.EnterTenant(r.Context(), s, guard.RequestTenant(r))
	if e != nil {
		m.refuse(w, r, e)
		return r, false
	}
	if ctx != r.Context() {
		r = r.WithContext(ctx)
	}
	return r, true
}

// Loaded returns the resource RequireOwnership loaded for this request.
func Loaded[T any](r *http.Request) (T, bool) { return guard.LoadedFrom[T](r.Context()) }

// Authenticate authenticates every request it wraps, except those of
// Guard.PublicPaths and Skip (no authentication) and Guard.OptionalPaths
// (anonymous allowed, bad credentials refused). Requests with no or bad
// credentials elsewhere get 401.
func (m *Middleware) Authenticate(next http.Handler) http.Handler {
	return m.authenticate(next, func(r *http.Request) guard.Mode {
		if m.cfg.Skip != nil && m.cfg.Skip(r) {
			return guard.Skip
		}
		return m.guard.ModeFor(r.Method, r.URL.Path)
	})
}

// AuthenticateOptional authenticates the requests it wraps when they carry
// credentials and lets those without through as anonymous; bad credentials
// are still refused with 401.
func (m *Middleware) AuthenticateOptional(next http.Handler) http.Handler {
	return m.authenticate(next, func(*http.Request) guard.Mode { return guard.Optional })
}

func (m *Middleware) authenticate(next http.Handler, mode func(*http.Request) guard.Mode) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		creds := guard.RequestCredentials(r)
		ctx := m.guard.JoinTrace(r.Context(), creds)
		s, e := m.guard.Authenticate(ctx, creds, mode(r))
		if !s.IsZero() {
			ctx = authn.NewContext(ctx, s)
		}
		if ctx != r.Context() {
			r = r.WithContext(ctx)
		}
		if e != nil {
			m.refuse(w, r, e)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Require guards a handler with req: 401 anonymous, 403 refused. Under
// Guard.Tenant, a caller who is no member of the request's tenant gets 404
// and req is decided in the tenant; register the handler on a ServeMux
// pattern naming the tenant's parameter when it comes from the path.
func (m *Middleware) Require(req guard.Requirement) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, _ := authn.FromContext(r.Context())
			r, ok := m.enterTenant(w, r, s)
			if !ok {
				return
			}
			if e := m.guard.Check(r.Context(), s, req); e != nil {
				m.refuse(w, r, e)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// RequirePermission requires p.
func (m *Middleware) RequirePermission(p permissions.Permission) func(http.Handler) http.Handler {
	return m.Require(guard.Permission(p))
}

// RequireAll requires every one of perms.
func (m *Middleware) RequireAll(perms ...permissions.Permission) func(http.Handler) http.Handler {
	return m.Require(guard.All(perms...))
}

// RequireAny requires at least one of perms.
func (m *Middleware) RequireAny(perms ...permissions.Permission) func(http.Handler) http.Handler {
	return m.Require(guard.Any(perms...))
}

// RequireRole requires role, held directly or through other roles.
func (m *Middleware) RequireRole(role string) func(http.Handler) http.Handler {
	return m.Require(guard.Role(role))
}

// RequireRoles requires every one of roles (guard.AllRoles); use
// Require(guard.AnyRole(...)) for at least one.
func (m *Middleware) RequireRoles(roles ...string) func(http.Handler) http.Handler {
	return m.Require(guard.AllRoles(roles...))
}

// RequireOwnership guards a handler acting on one resource: load finds it
// (returning guard.ErrNotFound when it does not exist), and p is decided on
// it, so grants scoped "own" apply to its owner. Anonymous callers get 401,
// missing resources 404, refused callers 403. The handler finds the loaded
// value with Loaded. Under Guard.Tenant, a caller who is no member of the
// request's tenant gets 404 before anything is loaded.
func (m *Middleware) RequireOwnership(p permissions.Permission, load func(r *http.Request) (guard.Loaded, error)) func(http.Handler) http.Handler {
	if err := p.ValidateRequest(); err != nil {
		panic("httpadapter: " + err.Error())
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s, _ := authn.FromContext(r.Context())
			r, ok := m.enterTenant(w, r, s)
			if !ok {
				return
			}
			loaded, e := m.guard.Authorize(r.Context(), s, p, func(context.Context) (guard.Loaded, error) { return load(r) })
			if e != nil {
				m.refuse(w, r, e)
				return
			}
			next.ServeHTTP(w, r.WithContext(guard.WithLoaded(r.Context(), loaded.Value)))
		})
	}
}

// Filter returns the caller's list filter for p (FilterNone for anonymous
// callers), for a handler that lists resources with one query. On error it
// has written the refusal, and the handler must return. Under
// Guard.Tenant the filter is made in the request's tenant (its Tenant
// field set, for WhereTenant), and a caller who is no member gets 404.
func (m *Middleware) Filter(w http.ResponseWriter, r *http.Request, p permissions.Permission) (authz.ListFilter, bool) {
	s, _ := authn.FromContext(r.Context())
	if !s.IsZero() {
		var ok bool
		if r, ok = m.enterTenant(w, r, s); !ok {
			return authz.ListFilter{Kind: authz.FilterNone}, false
		}
	}
	f, e := m.guard.Filter(r.Context(), s, p)
	if e != nil {
		m.refuse(w, r, e)
		return f, false
	}
	return f, true
}

// WriteError writes err as the refusal a client should see (see
// guard.Guard.ErrorFor): a handler's way to answer a login throttle (429
// with Retry-After), bad credentials (401) or a missing resource (404).
func (m *Middleware) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		err = errors.New("httpadapter: WriteError(nil)")
	}
	m.refuse(w, r, m.guard.ErrorFor(err))
}
