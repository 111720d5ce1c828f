package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
)

// Config is what a Guard needs. The zero value of each optional field is
// documented with it.
type Config struct {
	// Authenticator proves who is calling, typically the chain of an
	// account.Service. Required for Authenticate.
	Authenticator authn.Authenticator
	// Engine decides what callers may do. Required for Check, CheckResource
	// and Filter.
	Engine *authz.Engine
	// Realm names the protection space in WWW-Authenticate. Default
	// "gatehouse". It may not contain quotes, backslashes or control
	// characters.
	Realm string
	// PublicPaths are request paths that skip authentication entirely:
	// exact paths ("/healthz") or prefixes ending in "/*" ("/auth/*" matches
	// "/auth/login" but not "/auth" nor "/authors"), for every method or,
	// written "METHOD /path" as net/http's ServeMux patterns are, for one
	// ("POST /auth/session": a login that must work whatever cookie the
	// browser still holds, while DELETE /auth/session needs it; a GET
	// entry covers HEAD too). A segment written "{name}" matches any one
	// segment ("GET /invites/{code}"), as in ServeMux patterns. Paths are
	// compared as given after cleaning, so "/auth/../admin" is not public.
	PublicPaths []string
	// OptionalPaths are request paths, written like PublicPaths, where
	// authentication is optional: a request without credentials goes
	// through as anonymous, one with bad credentials is still refused.
	OptionalPaths []string
	// TrustedProxies are the networks of the proxies in front of the
	// application, whose X-Forwarded-For the adapters read for the
	// client's address (see ClientAddress), which login throttling counts
	// by. Default none: the address is the connection's peer, and the
	// header, which any client can send, is ignored.
	TrustedProxies []netip.Prefix
	// IsSubject, when set, says which authenticated ids are subjects, such
	// as func(id string) bool { return strings.HasPrefix(id, "usr_") }.
	// Subjects and roles share the policy's namespace, so a credential
	// naming a role ("sub": "admin" in a token minted elsewhere with the
	// key) would hold that role's grants: Authenticate refuses an id
	// IsSubject rejects, and, with an Engine, any id the policy uses as a
	// role (authz.Engine.IsRole), as invalid credentials (401). Default
	// nil: only the Engine's role names are refused, which misses a role
	// nobody holds yet.
	IsSubject func(id string) bool
	// Tenant, under an engine with tenants (gatehouse.TenantModel), says
	// where requests name the tenant they are made in (TenantFromPath,
	// TenantFromHeader, TenantFromSubdomain, TenantFromClaim). Every route
	// the adapters guard then admits only members of the tenant (see
	// EnterTenant: others get the 404 of a resource that does not exist,
	// so tenant names do not leak) and decides in it. Routes made at the
	// platform's level, outside every tenant, belong behind a second
	// middleware whose Config has no Tenant. Default none: every decision
	// is made outside every tenant, where only the rules written for all
	// tenants ("*") apply — what an engine without tenants decides, and
	// under a model with tenants what a platform's own routes want.
	Tenant TenantSource
	// Logger records denials and refused authentications with their reason
	// (subject id, credential kind, permission, rule — never a credential)
	// at Info, and every error ErrorFor could not classify at Error.
	// Default slog.Default().
	Logger *slog.Logger
	// LogBurst and LogInterval bound those Info lines: at most LogBurst
	// per LogInterval for each subject and reason (refused
	// authentications: for each code), so that one caller hammering a
	// forbidden route fills neither the disk nor the request time. The
	// next line let through carries "suppressed", the count held back;
	// DroppedLogs counts them all. Default 5 per minute; a negative
	// LogBurst logs every line.
	LogBurst    int
	LogInterval time.Duration
	// Observer, when set, hears of every authentication and check, to
	// trace and count them (package observe's is OpenTelemetry's). Default
	// none: nothing is spent on it.
	Observer Observer
	// now is the limiter's clock; tests set it.
	now func() time.Time
}

// Guard makes the decisions of the adapters. It is safe for concurrent use.
type Guard struct {
	cfg              Config
	log              *slog.Logger
	logs             *logLimiter
	public, optional []pathPattern // Config's paths, parsed once
}

// New checks cfg and returns a Guard.
func New(cfg Config) (*Guard, error) {
	if cfg.Authenticator == nil {
		return nil, errors.New("guard: Config.Authenticator is required")
	}
	if cfg.Realm == "" {
		cfg.Realm = "gatehouse"
	}
	for _, r := range cfg.Realm {
		if r == '"' || r == '\\' || r < 0x20 || r == 0x7f {
			return nil, fmt.Errorf("guard: realm %q: no quotes, backslashes or control characters", cfg.Realm)
		}
	}
	for _, p := range append(slices.Clone(cfg.PublicPaths), cfg.OptionalPaths...) {
		method, path := splitPattern(p)
		if !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("guard: path %q must start with /", p)
		}
		if method != "" && !KnownMethod(method) {
			return nil, fmt.Errorf("guard: path %q: %q is not an HTTP method", p, method)
		}
	}
	if err := cfg.Tenant.validate(); err != nil {
		return nil, err
	}
	if !cfg.Tenant.IsZero() && (cfg.Engine == nil || !cfg.Engine.Tenanted()) {
		return nil, fmt.Errorf("guard: Config.Tenant (%s) needs an Engine whose model has tenants (gatehouse.TenantModel)", cfg.Tenant)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.LogInterval < 0 {
		return nil, errors.New("guard: Config.LogInterval may not be negative")
	}
	return &Guard{cfg: cfg, log: log, logs: newLogLimiter(cfg.LogBurst, cfg.LogInterval, cfg.now),
		public: parsePatterns(cfg.PublicPaths), optional: parsePatterns(cfg.OptionalPaths)}, nil
}

// Mode says whether a route needs a caller.
type Mode int

const (
	// Required refuses requests without valid credentials (401).
	Required Mode = iota
	// Optional lets requests without credentials through as anonymous, but
	// still refuses bad credentials: a wrong token is never anonymous.
	Optional
	// Skip does not authenticate at all: the request goes through as
	// anonymous whatever it carries.
	Skip
)

// Authenticate runs the Authenticator on a request's credentials. It
// returns the subject (the zero Subject for an anonymous caller in Optional
// mode) or the refusal to write. A request carrying a credential twice
// with different values is refused with 400 (see ErrAmbiguousCredentials);
// one whose method HTTP does not define, with 501, in every mode, so that
// every framework answers it alike (see KnownMethod).
func (g *Guard) Authenticate(ctx context.Context, creds authn.Credentials, mode Mode) (authn.Subject, *Error) {
	if !KnownMethod(creds.Method()) {
		// Before anything else, public paths included: frameworks answer
		// such methods differently (Fiber 501, net/http's ServeMux 405,
		// Gin 404), and none of them means anything to a route.
		return authn.Subject{}, NotImplemented("unknown method")
	}
	if mode == Skip {
		return authn.Subject{}, nil
	}
	o := g.cfg.Observer
	if o == nil {
		return g.authenticate(ctx, creds, mode)
	}
	ctx = g.observing(ctx, o.Authenticating)
	s, e := g.authenticate(ctx, creds, mode)
	ev := AuthenticationEvent{Outcome: authenticationOutcome(s, e), Method: s.Method, Subject: s.ID, Refusal: e}
	if e != nil {
		ev.Method = refusedMethod(e) // the refusal wraps the error behind it
	}
	g.observed(func() { o.Authenticated(ctx, ev) })
	return s, e
}

// authenticate is Authenticate past its checks of the method and mode.
func (g *Guard) authenticate(ctx context.Context, creds authn.Credentials, mode Mode) (authn.Subject, *Error) {
	var checked *unambiguous
	if rc, ok := creds.(RepeatedCredentials); ok {
		checked = &unambiguous{RepeatedCredentials: rc}
		creds = checked
	}
	s, err := g.cfg.Authenticator.Authenticate(ctx, creds)
	if checked != nil && checked.ambiguous != "" {
		e := ambiguousError(checked.ambiguous)
		g.logLimited(ctx, slog.LevelInfo, "authn\x00"+e.Code, "authentication refused", "code", e.Code, "reason", e.Message)
		return authn.Subject{}, e
	}
	if err == nil {
		err = g.checkSubject(ctx, s)
	}
	if err == nil {
		return s, nil
	}
	if mode == Optional && errors.Is(err, authn.ErrNoCredentials) {
		return authn.Subject{}, nil
	}
	e := g.ErrorFor(err)
	g.logLimited(ctx, slog.LevelInfo, "authn\x00"+e.Code, "authentication refused", "code", e.Code, "reason", err.Error())
	return authn.Subject{}, e
}

// KnownMethod reports whether method is one HTTP defines (RFC 9110 §9 and
// PATCH, RFC 5789). Authenticate answers any other with 501.
func KnownMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodConnect, http.MethodOptions, http.MethodTrace, http.MethodPatch:
		return true
	}
	return false
}

// ErrRoleAsSubject reports an authenticated id that names a role, or that
// Config.IsSubject refuses. It matches authn.ErrInvalidCredentials.
var ErrRoleAsSubject = fmt.Errorf("guard: the credential names a role, not a subject: %w", authn.ErrInvalidCredentials)

// checkSubject refuses a subject whose id is not a subject's (see
// Config.IsSubject); a bearer token naming one is an invalid token. It runs
// on every authenticated request, so it allocates only to refuse.
func (g *Guard) checkSubject(ctx context.Context, s authn.Subject) error {
	refuse := func(cause error) error {
		err := ErrRoleAsSubject
		if s.Method == authn.MethodBearer {
			err = fmt.Errorf("%w: %w", err, authn.ErrInvalidToken)
		}
		if cause != nil {
			err = fmt.Errorf("%w: %w", err, cause)
		}
		return err
	}
	if g.cfg.IsSubject != nil && !g.cfg.IsSubject(s.ID) {
		return refuse(nil)
	}
	if g.cfg.Engine == nil {
		return nil
	}
	role, err := g.cfg.Engine.IsRole(ctx, s.ID)
	switch {
	case errors.Is(err, authz.ErrInvalidSubject):
		return refuse(err)
	case errors.Is(err, authz.ErrUnavailable):
		// Every decision fails closed meanwhile; what needs none (the
		// caller's own profile) goes on working, as it does for subjects.
		return nil
	case err != nil:
		return err
	case role:
		return refuse(nil)
	}
	return nil
}

// ModeFor returns how a request of method for path is authenticated by a middleware
// covering many routes: Skip for Config.PublicPaths, Optional for
// Config.OptionalPaths, Required otherwise.
func (g *Guard) ModeFor(method, path string) Mode {
	path = cleanPath(path)
	switch {
	case matchAny(g.public, method, path):
		return Skip
	case matchAny(g.optional, method, path):
		return Optional
	}
	return Required
}

// splitPattern splits "METHOD /path" into its method and path; a pattern
// without a method has method "".
func splitPattern(pattern string) (method, path string) {
	if m, p, ok := strings.Cut(pattern, " "); ok && !strings.HasPrefix(pattern, "/") {
		return m, strings.TrimLeft(p, " ")
	}
	return "", pattern
}

// pathPattern is an entry of Config.PublicPaths or OptionalPaths, parsed.
type pathPattern struct {
	method string // "" for every method
	path   string // the path, or the prefix before "*" when prefix
	prefix bool
	params bool // path holds {name} segments
}

func parsePatterns(patterns []string) []pathPattern {
	out := make([]pathPattern, len(patterns))
	for i, p := range patterns {
		method, path := splitPattern(p)
		prefix, isPrefix := strings.CutSuffix(path, "*")
		if isPrefix {
			path = prefix
		}
		out[i] = pathPattern{method: method, path: path, prefix: isPrefix, params: !isPrefix && strings.Contains(path, "{")}
	}
	return out
}

// matchAny reports whether a request of method for the cleaned path
// matches one of patterns.
func matchAny(patterns []pathPattern, method, path string) bool {
	for _, p := range patterns {
		if p.method != "" && p.method != method && (p.method != "GET" || method != "HEAD") {
			continue
		}
		switch {
		case p.prefix:
			if strings.HasPrefix(path, p.path) && len(path) > len(p.path) {
				return true
			}
		case path == p.path, p.params && matchSegments(p.path, path):
			return true
		}
	}
	return false
}

// matchSegments reports whether path matches pattern segment by segment,
// where a segment "{name}" of pattern matches any one non-empty segment,
// as net/http's ServeMux patterns (and the Route paths of package
// endpoint) have it.
func matchSegments(pattern, path string) bool {
	for {
		w, wantRest, wantMore := strings.Cut(pattern, "/")
		g, gotRest, gotMore := strings.Cut(path, "/")
		if strings.HasPrefix(w, "{") && strings.HasSuffix(w, "}") {
			if g == "" {
				return false
			}
		} else if w != g {
			return false
		}
		if wantMore != gotMore {
			return false
		}
		if !wantMore {
			return true
		}
		pattern, path = wantRest, gotRest
	}
}
