package guard_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// tenantPolicy: alice administers acme, bob is a member of acme/eu, dave
// of globex, ops operates every tenant.
const tenantPolicy = `
p, admin, *, posts:*, any, allow
p, member, *, posts:read, any, allow
p, member, *, posts:delete, own, allow
p, operator, *, posts:*, any, allow
g, alice, admin, acme
g, bob, member, acme/eu
g, dave, member, globex
g, ops, operator, *
`

func tenantEngine(t testing.TB) *authz.Engine {
	t.Helper()
	e, err := authz.New(context.Background(), authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(tenantPolicy))
	require.NoError(t, err)
	return e
}

// tenantRequest is a request as an adapter reads it.
type tenantRequest struct {
	path   map[string]string
	host   string
	header http.Header
}

func (r tenantRequest) PathValue(name string) string      { return r.path[name] }
func (r tenantRequest) Host() string                      { return r.host }
func (r tenantRequest) HeaderValues(name string) []string { return r.header.Values(name) }

func TestNewChecksTenantSource(t *testing.T) {
	t.Parallel()
	tenanted := tenantEngine(t)
	plain, err := authz.New(context.Background())
	require.NoError(t, err)
	tests := []struct {
		name   string
		engine *authz.Engine
		source guard.TenantSource
		ok     bool
	}{
		{"no source, plain engine", plain, guard.TenantSource{}, true},
		{"no source, engine with tenants: the platform's level", tenanted, guard.TenantSource{}, true},
		{"path", tenanted, guard.TenantFromPath("org"), true},
		{"header", tenanted, guard.TenantFromHeader("X-Tenant"), true},
		{"subdomain", tenanted, guard.TenantFromSubdomain("example.com"), true},
		{"claim", tenanted, guard.TenantFromClaim("org"), true},
		{"engine without tenants", plain, guard.TenantFromPath("org"), false},
		{"no engine", nil, guard.TenantFromPath("org"), false},
		{"empty parameter", tenanted, guard.TenantFromPath(""), false},
		{"parameter with a brace", tenanted, guard.TenantFromPath("{org}"), false},
		{"header with a colon", tenanted, guard.TenantFromHeader("X-Tenant:"), false},
		{"domain with a port", tenanted, guard.TenantFromSubdomain("example.com:8080"), false},
		{"domain with a leading dot", tenanted, guard.TenantFromSubdomain(".example.com"), false},
		{"claim with spaces", tenanted, guard.TenantFromClaim(" org"), false},
	}
	for _, tt := range tests {
		_, err := guard.New(guard.Config{Authenticator: nobody, Engine: tt.engine, Tenant: tt.source})
		if tt.ok {
			assert.NoError(t, err, tt.name)
		} else {
			assert.Error(t, err, tt.name)
		}
	}
}

func TestEnterTenant(t *testing.T) {
	t.Parallel()
	engine := tenantEngine(t)
	alice := authn.Subject{ID: "alice", Method: authn.MethodBearer, Claims: map[string]any{"org": "acme"}}
	bob := authn.Subject{ID: "bob", Method: authn.MethodBearer, Claims: map[string]any{"org": "acme/eu"}}
	ops := authn.Subject{ID: "ops", Method: authn.MethodAPIKey}
	mallory := authn.Subject{ID: "mallory", Method: authn.MethodBearer, Claims: map[string]any{"org": 7}}
	path := func(org string) tenantRequest { return tenantRequest{path: map[string]string{"org": org}} }
	header := func(values ...string) tenantRequest {
		return tenantRequest{header: http.Header{"X-Tenant": values}}
	}
	host := func(h string) tenantRequest { return tenantRequest{host: h} }
	tests := []struct {
		name    string
		source  guard.TenantSource
		subject authn.Subject
		req     tenantRequest
		status  int // 0: admitted to tenant
		tenant  string
	}{
		{"path, member", guard.TenantFromPath("org"), alice, path("acme"), 0, "acme"},
		{"path, member of a tenant above", guard.TenantFromPath("org"), alice, path("acme/eu"), 0, "acme/eu"},
		{"path, member of a tenant below only", guard.TenantFromPath("org"), bob, path("acme"), 404, ""},
		{"path, member of another tenant", guard.TenantFromPath("org"), alice, path("globex"), 404, ""},
		{"path, unknown tenant", guard.TenantFromPath("org"), alice, path("initech"), 404, ""},
		{"path, platform operator", guard.TenantFromPath("org"), ops, path("initech"), 0, "initech"},
		{"path, missing", guard.TenantFromPath("org"), alice, tenantRequest{}, 404, ""},
		{"path, every tenant", guard.TenantFromPath("org"), ops, path("*"), 404, ""},
		{"path, empty level", guard.TenantFromPath("org"), ops, path("acme//eu"), 404, ""},
		{"path, too deep", guard.TenantFromPath("org"), ops, path(strings.Repeat("a/", authz.MaxTenantDepth) + "a"), 404, ""},
		{"path, control character", guard.TenantFromPath("org"), ops, path("acme\n"), 404, ""},
		{"path, anonymous", guard.TenantFromPath("org"), authn.Subject{}, path("acme"), 401, ""},
		{"header", guard.TenantFromHeader("x-tenant"), alice, header("acme"), 0, "acme"},
		{"header twice, same value", guard.TenantFromHeader("X-Tenant"), alice, header("acme", "acme"), 0, "acme"},
		{"header twice, different values", guard.TenantFromHeader("X-Tenant"), ops, header("acme", "globex"), 404, ""},
		{"header, missing", guard.TenantFromHeader("X-Tenant"), ops, header(), 404, ""},
		{"header, empty", guard.TenantFromHeader("X-Tenant"), ops, header(""), 404, ""},
		{"subdomain", guard.TenantFromSubdomain("example.com"), alice, host("acme.example.com"), 0, "acme"},
		{"subdomain, port and case", guard.TenantFromSubdomain("Example.com"), alice, host("ACME.example.COM:8443"), 0, "acme"},
		{"subdomain, bare domain", guard.TenantFromSubdomain("example.com"), ops, host("example.com"), 404, ""},
		{"subdomain, two levels", guard.TenantFromSubdomain("example.com"), ops, host("eu.acme.example.com"), 404, ""},
		{"subdomain, another host", guard.TenantFromSubdomain("example.com"), ops, host("acme.example.org"), 404, ""},
		{"subdomain, a suffix that is not a label", guard.TenantFromSubdomain("example.com"), ops, host("acmeexample.com"), 404, ""},
		{"claim", guard.TenantFromClaim("org"), bob, tenantRequest{}, 0, "acme/eu"},
		{"claim, not a string", guard.TenantFromClaim("org"), mallory, tenantRequest{}, 404, ""},
		{"claim, no claims", guard.TenantFromClaim("org"), ops, tenantRequest{}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			g := newGuard(t, guard.Config{Engine: engine, Tenant: tt.source, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
			ctx, e := g.EnterTenant(context.Background(), tt.subject, tt.req)
			tenant, ok := guard.TenantFrom(ctx)
			if tt.status == 0 {
				require.Nil(t, e)
				assert.True(t, ok)
				assert.Equal(t, tt.tenant, tenant)
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, tt.status, e.Status)
			assert.False(t, ok)
			if tt.status == 404 {
				// Exactly the answer of a resource that does not exist.
				assert.Equal(t, g.ErrorFor(guard.ErrNotFound).Body(), e.Body())
				assert.Contains(t, logs.String(), `"access denied"`)
				assert.Contains(t, logs.String(), `"reason"`)
			}
		})
	}
}

func TestChecksInTenant(t *testing.T) {
	t.Parallel()
	engine := tenantEngine(t)
	g := newGuard(t, guard.Config{Engine: engine, Tenant: guard.TenantFromPath("org")})
	alice := authn.Subject{ID: "alice", Method: authn.MethodBearer}
	bob := authn.Subject{ID: "bob", Method: authn.MethodBearer}
	ops := authn.Subject{ID: "ops", Method: authn.MethodBearer}
	enter := func(s authn.Subject, org string) context.Context {
		ctx, e := g.EnterTenant(context.Background(), s, tenantRequest{path: map[string]string{"org": org}})
		require.Nil(t, e)
		return ctx
	}

	assert.Nil(t, g.Check(enter(alice, "acme"), alice, guard.Permission(permissions.PostsDelete)))
	assert.Nil(t, g.Check(enter(alice, "acme/eu"), alice, guard.Role("admin")), "a role in acme holds in acme/eu")
	assert.Nil(t, g.Check(enter(bob, "acme/eu"), bob, guard.Permission(permissions.PostsRead)))
	assert.Equal(t, 403, g.Check(enter(bob, "acme/eu"), bob, guard.Permission(permissions.PostsDelete)).Status)
	assert.Equal(t, 403, g.Check(enter(bob, "acme/eu"), bob, guard.Role("admin")).Status)
	assert.Nil(t, g.Check(enter(ops, "globex"), ops, guard.Role("operator")))

	own := authz.Resource{Type: "posts", ID: "1", Owner: "bob"}
	assert.Nil(t, g.CheckResource(enter(bob, "acme/eu"), bob, permissions.PostsDelete, own))
	other := authz.Resource{Type: "posts", ID: "2", Owner: "carol"}
	assert.Equal(t, 403, g.CheckResource(enter(bob, "acme/eu"), bob, permissions.PostsDelete, other).Status)

	f, e := g.Filter(enter(alice, "acme"), alice, permissions.PostsRead)
	require.Nil(t, e)
	assert.Equal(t, authz.FilterAll, f.Kind)
	assert.Equal(t, "acme", f.Tenant, "handlers scope their queries with WhereTenant")

	// A check whose request was not admitted to a tenant is never made at
	// the platform's level.
	bare := context.Background()
	assert.Equal(t, 404, g.Check(bare, ops, guard.Role("operator")).Status)
	assert.Equal(t, 404, g.CheckResource(bare, bob, permissions.PostsDelete, own).Status)
	_, e = g.Filter(bare, alice, permissions.PostsRead)
	assert.Equal(t, 404, e.Status)
	loaded := false
	_, e = g.Authorize(bare, bob, permissions.PostsDelete, func(context.Context) (guard.Loaded, error) {
		loaded = true
		return guard.Loaded{Resource: own}, nil
	})
	assert.Equal(t, 404, e.Status)
	assert.False(t, loaded, "nothing is loaded for a caller outside the tenant")
	// Nor is one admitted for somebody else.
	assert.Equal(t, 404, g.Check(enter(alice, "acme"), bob, guard.Permission(permissions.PostsRead)).Status)
}

func TestPlatformLevelWithoutTenantSource(t *testing.T) {
	t.Parallel()
	g := newGuard(t, guard.Config{Engine: tenantEngine(t)})
	ctx := context.Background()
	// Outside every tenant only the rules for every tenant apply.
	assert.Nil(t, g.Check(ctx, authn.Subject{ID: "ops"}, guard.Role("operator")))
	assert.Equal(t, 403, g.Check(ctx, authn.Subject{ID: "alice"}, guard.Role("admin")).Status)
	ctx, e := g.EnterTenant(ctx, authn.Subject{ID: "alice"}, guard.RequestTenant(httptest.NewRequest("GET", "/", nil)))
	assert.Nil(t, e)
	_, ok := guard.TenantFrom(ctx)
	assert.False(t, ok)
}

func TestErrorForInvalidTenant(t *testing.T) {
	t.Parallel()
	err := tenantEngine(t).Tenant("acme//eu").AssignRole(context.Background(), "bob", "member")
	require.ErrorIs(t, err, authz.ErrInvalidTenant)
	e := newGuard(t, guard.Config{}).ErrorFor(err)
	assert.Equal(t, 400, e.Status, "an edit naming a malformed tenant is the client's mistake")
}

// BenchmarkTenantCheck measures what a tenant adds to a guarded request:
// resolving the tenant from a header, the membership lookup and the
// decision made in the tenant, against the same decision outside tenants.
func BenchmarkTenantCheck(b *testing.B) {
	engine := tenantEngine(b)
	ops := authn.Subject{ID: "ops", Method: authn.MethodBearer}
	alice := authn.Subject{ID: "alice", Method: authn.MethodBearer}
	req := guard.Permission(permissions.PostsRead)
	platform := newGuard(b, guard.Config{Engine: engine})
	inTenant := newGuard(b, guard.Config{Engine: engine, Tenant: guard.TenantFromHeader("X-Tenant")})
	r := tenantRequest{header: http.Header{"X-Tenant": {"acme/eu"}}}
	ctx := context.Background()

	b.Run("platform", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if e := platform.Check(ctx, ops, req); e != nil {
				b.Fatal(e)
			}
		}
	})
	b.Run("tenant", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			admitted, e := inTenant.EnterTenant(ctx, alice, r)
			if e == nil {
				e = inTenant.Check(admitted, alice, req)
			}
			if e != nil {
				b.Fatal(e)
			}
		}
	})
}
