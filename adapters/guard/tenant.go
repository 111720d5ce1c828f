package guard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
)

// TenantSource says where a request names the tenant it is made in, under
// an engine with tenants (gatehouse.TenantModel): a path parameter, a
// header, the host's subdomain or a claim of the caller's token. Build one
// with TenantFromPath, TenantFromHeader, TenantFromSubdomain or
// TenantFromClaim and set it once, as Config.Tenant; the zero TenantSource
// names no tenant.
type TenantSource struct {
	from tenantFrom
	name string // the parameter, header, domain or claim
}

type tenantFrom int

const (
	noTenant tenantFrom = iota
	fromPath
	fromHeader
	fromSubdomain
	fromClaim
)

// TenantFromPath reads the tenant from the route's path parameter param:
// TenantFromPath("org") for routes such as "/orgs/{org}/posts". Every
// guarded route must then have the parameter; one without it is answered
// 404.
//
// The tenant is the parameter percent-decoded once, on every framework, as
// net/http's ServeMux decodes it: a nested tenant is named with its "/"
// escaped, "/orgs/acme%2Feu/posts" for acme/eu, and "acme%252Feu" names
// the tenant "acme%2Feu", never acme/eu; "+" is a plus, not a space. A
// parameter that decodes to no tenant's name (an empty level, a NUL, bytes
// that are not UTF-8, "*") or that is not a valid percent-encoding names
// no tenant (404). Gin routes on the decoded path by default, where %2F
// splits the segment, so set its engine's UseEscapedPath for nested
// tenants in paths; leave Fiber's UnescapePath off, its default, for the
// same reason. Handlers read the tenant from the adapter (Tenant), not from
// the framework's parameter, which Gin and Fiber decode otherwise.
func TenantFromPath(param string) TenantSource { return TenantSource{from: fromPath, name: param} }

// TenantFromHeader reads the tenant from the request header name, such as
// "X-Tenant". A request that sends the header twice with different values
// names no tenant it can be held to, and is answered 404.
func TenantFromHeader(name string) TenantSource {
	return TenantSource{from: fromHeader, name: http.CanonicalHeaderKey(name)}
}

// TenantFromSubdomain reads the tenant from the host, one label below
// domain: with "example.com", a request to acme.example.com is made in
// acme. The bare domain, deeper subdomains (eu.acme.example.com) and other
// hosts name no tenant (404). Hosts are case-insensitive, so the tenant is
// the label in lower case; the port is ignored.
func TenantFromSubdomain(domain string) TenantSource {
	return TenantSource{from: fromSubdomain, name: strings.ToLower(strings.TrimSuffix(domain, "."))}
}

// TenantFromClaim reads the tenant from the string claim claim of the
// caller's token (authn.Subject.Claims), such as "org". gatehouse's own
// access tokens carry it when the issuer lists it in
// token.Config.CustomClaims and Issue is given token.Claim("org", tenant).
// The claim was signed by the issuer, but it only says where the caller
// works: the caller must still be a member of the tenant. Callers
// authenticated without a token (an API key, a session) have no claims, so
// they name no tenant (404).
func TenantFromClaim(claim string) TenantSource { return TenantSource{from: fromClaim, name: claim} }

// IsZero reports whether s names no source: the zero TenantSource.
func (s TenantSource) IsZero() bool { return s.from == noTenant }

// String describes s, for logs and errors: `path parameter "org"`.
func (s TenantSource) String() string {
	switch s.from {
	case fromPath:
		return fmt.Sprintf("path parameter %q", s.name)
	case fromHeader:
		return fmt.Sprintf("header %q", s.name)
	case fromSubdomain:
		return fmt.Sprintf("subdomain of %q", s.name)
	case fromClaim:
		return fmt.Sprintf("claim %q", s.name)
	}
	return "no tenant"
}

// validate checks the name the source reads: a path parameter's name, a
// header's name (an HTTP token), a domain name, or a claim's name.
func (s TenantSource) validate() error {
	if s.from == noTenant {
		return nil
	}
	if s.name == "" || strings.TrimSpace(s.name) != s.name {
		return fmt.Errorf("guard: tenant source %s: empty or with surrounding spaces", s)
	}
	allowed := func(r rune) bool { return r > ' ' && r < 0x7f } // a claim's name
	switch s.from {
	case fromPath:
		allowed = func(r rune) bool {
			return r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
		}
	case fromHeader:
		allowed = func(r rune) bool { return r > ' ' && r < 0x7f && !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) }
	case fromSubdomain:
		allowed = func(r rune) bool { return r == '-' || r == '.' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9' }
		if strings.HasPrefix(s.name, ".") || strings.Contains(s.name, "..") {
			return fmt.Errorf("guard: tenant source %s: not a domain name", s)
		}
	}
	for _, r := range s.name {
		if !allowed(r) {
			return fmt.Errorf("guard: tenant source %s: %q is not allowed in it", s, r)
		}
	}
	return nil
}

// TenantRequest is what a TenantSource reads of a request, besides the
// caller's claims. Each adapter implements it over its framework's request
// (RequestTenant for net/http's).
type TenantRequest interface {
	// PathValue returns the value of the matched route's path parameter
	// name, percent-decoded once, as net/http's ServeMux hands it out; ""
	// when the route has none, or when the value is not a valid
	// percent-encoding.
	PathValue(name string) string
	// Host returns the host the client addressed (the Host header, or the
	// authority of HTTP/2), port included or not.
	Host() string
	// HeaderValues returns every value of the named header, in order.
	HeaderValues(name string) []string
}

// RequestTenant returns the TenantRequest of a net/http request routed by
// a ServeMux, whose path parameters r.PathValue reads.
func RequestTenant(r *http.Request) TenantRequest { return httpTenant{r} }

type httpTenant struct{ r *http.Request }

func (t httpTenant) PathValue(name string) string      { return t.r.PathValue(name) }
func (t httpTenant) Host() string                      { return t.r.Host }
func (t httpTenant) HeaderValues(name string) []string { return t.r.Header.Values(name) }

// tenant returns the tenant r names, as the framework handed it out (it may
// alias the framework's buffers), or why it names none.
func (s TenantSource) tenant(subject authn.Subject, r TenantRequest) (string, string) {
	switch s.from {
	case fromPath:
		if v := r.PathValue(s.name); v != "" {
			return v, ""
		}
		return "", "the route has no " + s.String() + ", or not one validly percent-encoded"
	case fromHeader:
		values := r.HeaderValues(s.name)
		if differ(values) {
			return "", "the request sends the " + s.String() + " twice, with different values"
		}
		if len(values) == 0 || values[0] == "" {
			return "", "the request has no " + s.String()
		}
		return values[0], ""
	case fromSubdomain:
		return subdomain(r.Host(), s.name)
	case fromClaim:
		v, ok := subject.Claims[s.name]
		if !ok {
			return "", "the credential has no " + s.String()
		}
		name, ok := v.(string)
		if !ok || name == "" {
			return "", "the credential's " + s.String() + " is not a tenant's name"
		}
		return name, ""
	}
	return "", "no tenant source"
}

// subdomain returns the label of host just below domain, in lower case.
func subdomain(host, domain string) (string, string) {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	label, ok := strings.CutSuffix(host, "."+domain)
	if !ok || label == "" || strings.Contains(label, ".") {
		return "", "the host is not one subdomain of " + domain
	}
	return label, ""
}

// admitted is what EnterTenant stores in a request's context: the tenant
// and the subject it admitted there.
type admitted struct{ tenant, subject string }

type tenantKey struct{}

// TenantFrom returns the tenant EnterTenant admitted the request's caller
// to, for handlers that scope their queries to it (authz.ListFilter's
// WhereTenant). ok is false when no tenant was resolved: Config.Tenant is
// not set, or the route is not guarded.
func TenantFrom(ctx context.Context) (tenant string, ok bool) {
	a, ok := ctx.Value(tenantKey{}).(admitted)
	return a.tenant, ok
}

// errNoTenant is the cause of the 404 of a request that names no tenant,
// a malformed one, or one its caller is not a member of.
var errNoTenant = fmt.Errorf("no such tenant: %w", ErrNotFound)

// EnterTenant resolves the tenant a request names (Config.Tenant) and
// admits subject to it, returning ctx carrying the tenant for the checks
// that follow (Check, CheckResource, Authorize, Filter) and for handlers
// (TenantFrom). The adapters call it on every route they guard, before the
// route's own checks.
//
// An anonymous caller gets 401, as on any guarded route. A request that
// names no tenant or a malformed one, and a caller who is not a member of
// the tenant (authz.Tenant.IsMember: no rule of its own applies there),
// get the same 404 as a resource that does not exist, so that callers
// cannot learn which tenants exist; the reason is logged as a denial. A
// decision that cannot be made is a 503, never an allow. Without
// Config.Tenant it returns ctx unchanged and nil.
func (g *Guard) EnterTenant(ctx context.Context, subject authn.Subject, r TenantRequest) (context.Context, *Error) {
	if g.cfg.Tenant.IsZero() {
		return ctx, nil
	}
	if subject.IsZero() {
		return ctx, g.unauthorized(CodeUnauthorized, "authentication required", authn.ErrNoCredentials, false)
	}
	if a, ok := ctx.Value(tenantKey{}).(admitted); ok && a.subject == subject.ID {
		return ctx, nil // an earlier guard of the same request admitted it
	}
	name, why := g.cfg.Tenant.tenant(subject, r)
	if why != "" {
		return ctx, g.notInTenant(ctx, subject, "", why)
	}
	// The name is kept in the context and may be kept by the engine: a
	// copy, never the framework's buffer.
	name = strings.Clone(name)
	member, err := g.cfg.Engine.Tenant(name).IsMember(ctx, subject.ID)
	switch {
	case errors.Is(err, authz.ErrInvalidTenant):
		return ctx, g.notInTenant(ctx, subject, name, "a malformed tenant, or one this engine does not hold")
	case err != nil:
		return ctx, g.failed(ctx, subject, err)
	case !member:
		return ctx, g.notInTenant(ctx, subject, name, "not a member of the tenant")
	}
	return context.WithValue(ctx, tenantKey{}, admitted{tenant: name, subject: subject.ID}), nil
}

// tenantOf returns the tenant a check of subject is made in: "" without
// Config.Tenant; with it, the tenant EnterTenant admitted subject to, or a
// 404 when none was, so that a check never falls back to the platform's
// level by accident.
func (g *Guard) tenantOf(ctx context.Context, subject authn.Subject) (string, *Error) {
	if g.cfg.Tenant.IsZero() {
		return "", nil
	}
	a, ok := ctx.Value(tenantKey{}).(admitted)
	if !ok || a.subject != subject.ID {
		return "", g.notInTenant(ctx, subject, "", "no tenant was resolved for the request (EnterTenant)")
	}
	return a.tenant, nil
}

// maxLoggedTenant bounds the tenant names logged: they come from the
// request.
const maxLoggedTenant = 128

// notInTenant logs why subject was refused a tenant and returns the 404
// of a resource that does not exist.
func (g *Guard) notInTenant(ctx context.Context, subject authn.Subject, tenant, reason string) *Error {
	if len(tenant) > maxLoggedTenant {
		tenant = tenant[:maxLoggedTenant] + "…"
	}
	g.logLimited(ctx, slog.LevelInfo, "tenant\x00"+subject.ID+"\x00"+tenant, "access denied", "subject", subject.ID,
		"credential", string(subject.Method), "tenant", tenant, "source", g.cfg.Tenant.String(), "reason", reason)
	return g.ErrorFor(errNoTenant)
}
