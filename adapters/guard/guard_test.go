package guard_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// nobody authenticates no one: every request lacks credentials.
var nobody = authn.AuthenticatorFunc(func(context.Context, authn.Credentials) (authn.Subject, error) {
	return authn.Subject{}, authn.ErrNoCredentials
})

func newGuard(t testing.TB, cfg guard.Config) *guard.Guard {
	t.Helper()
	if cfg.Authenticator == nil {
		cfg.Authenticator = nobody
	}
	g, err := guard.New(cfg)
	require.NoError(t, err)
	return g
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	_, err := guard.New(guard.Config{})
	assert.Error(t, err, "an authenticator is required")
	for _, realm := range []string{`a"b`, `a\b`, "a\nb"} {
		_, err := guard.New(guard.Config{Authenticator: nobody, Realm: realm})
		assert.Error(t, err, realm)
	}
	_, err = guard.New(guard.Config{Authenticator: nobody, PublicPaths: []string{"healthz"}})
	assert.Error(t, err)
	_, err = guard.New(guard.Config{Authenticator: nobody, OptionalPaths: []string{"feed"}})
	assert.Error(t, err)
	for _, p := range []string{"POST healthz", "BREW /coffee", "POST  "} {
		_, err = guard.New(guard.Config{Authenticator: nobody, PublicPaths: []string{p}})
		assert.Error(t, err, p)
	}
	_, err = guard.New(guard.Config{Authenticator: nobody, PublicPaths: []string{"POST /auth/session", "GET /status"}})
	assert.NoError(t, err)
}

func TestErrorFor(t *testing.T) {
	t.Parallel()
	g := newGuard(t, guard.Config{Realm: "shop"})
	tests := []struct {
		name   string
		err    error
		status int
		code   string
		header map[string]string
	}{
		{"no credentials", authn.ErrNoCredentials, 401, guard.CodeUnauthorized, map[string]string{"WWW-Authenticate": `Bearer realm="shop"`}},
		{"expired token", fmt.Errorf("verify: %w", authn.ErrTokenExpired), 401, guard.CodeInvalidToken,
			map[string]string{"WWW-Authenticate": `Bearer realm="shop", error="invalid_token"`}},
		{"reused refresh token", authn.ErrTokenReused, 401, guard.CodeInvalidToken, nil},
		{"bad API key", authn.ErrInvalidAPIKey, 401, guard.CodeUnauthorized, map[string]string{"WWW-Authenticate": `Bearer realm="shop"`}},
		{"dead session", authn.ErrInvalidSession, 401, guard.CodeUnauthorized, nil},
		{"wrong password", authn.ErrInvalidCredentials, 401, guard.CodeUnauthorized, nil},
		{"login too old", authn.Subject{ID: "bob", AuthenticatedAt: time.Unix(1000, 0)}.RequireRecentLogin(time.Unix(5000, 0), 15*time.Minute),
			401, guard.CodeReauthenticate,
			map[string]string{"WWW-Authenticate": `Bearer realm="shop", error="insufficient_user_authentication", max_age=900`}},
		{"second factor missing", authn.Subject{ID: "bob", AMR: []string{"pwd"}, ACR: authn.ACRSingleFactor}.RequireMFA(),
			401, guard.CodeReauthenticate,
			map[string]string{"WWW-Authenticate": `Bearer realm="shop", error="insufficient_user_authentication", acr_values="aal2"`}},
		{"login time unknown", fmt.Errorf("delete account: %w", authn.ErrReauthenticationRequired), 401, guard.CodeReauthenticate,
			map[string]string{"WWW-Authenticate": `Bearer realm="shop", error="insufficient_user_authentication"`}},
		{"csrf", authn.ErrCSRF, 403, guard.CodeCSRF, nil},
		{"throttled", &authn.ThrottledError{RetryAfter: 61500 * time.Millisecond}, 429, guard.CodeTooManyRequests, map[string]string{"Retry-After": "62"}},
		{"not found", fmt.Errorf("post 9: %w", guard.ErrNotFound), 404, guard.CodeNotFound, nil},
		{"bad request", guard.BadRequest("id must be a number"), 400, guard.CodeInvalidRequest, nil},
		{"cancelled", context.Canceled, 503, guard.CodeUnavailable, nil},
		{"engine failure", authz.ErrEngine, 503, guard.CodeUnavailable, nil},
		{"revocations not current", fmt.Errorf("verify: %w", authn.ErrUnavailable), 503, guard.CodeUnavailable, map[string]string{"Retry-After": "1"}},
		{"policy not current", fmt.Errorf("decide: %w", authz.ErrUnavailable), 503, guard.CodeUnavailable, map[string]string{"Retry-After": "1"}},
		{"unclassified", errors.New("connection refused"), 503, guard.CodeUnavailable, nil},
	}
	for _, tt := range tests {
		e := g.ErrorFor(tt.err)
		assert.Equal(t, tt.status, e.Status, tt.name)
		assert.Equal(t, tt.code, e.Code, tt.name)
		assert.NotEmpty(t, e.Message, tt.name)
		assert.NotContains(t, e.Message, "connection refused", "internal errors never reach the client")
		for name, value := range tt.header {
			assert.Equal(t, value, e.Header.Get(name), tt.name)
		}
		assert.JSONEq(t, fmt.Sprintf(`{"error":%q,"message":%q}`, e.Code, e.Message), string(e.Body()), tt.name)
	}
}

func TestModeFor(t *testing.T) {
	t.Parallel()
	g := newGuard(t, guard.Config{
		PublicPaths:   []string{"/healthz", "/auth/*", "POST /session", "GET /status", "GET /invites/{code}", "/a/{x}/b"},
		OptionalPaths: []string{"/posts", "/posts/*"},
	})
	tests := []struct {
		method, path string
		want         guard.Mode
	}{
		{"POST", "/session", guard.Skip},
		{"DELETE", "/session", guard.Required},
		{"post", "/session", guard.Required}, // methods are case-sensitive, as in HTTP
		{"GET", "/status", guard.Skip},
		{"HEAD", "/status", guard.Skip}, // a GET entry covers HEAD, as in ServeMux
		{"POST", "/status", guard.Required},
		{"DELETE", "/healthz", guard.Skip},  // no method: every method
		{"GET", "/invites/abc", guard.Skip}, // a {name} segment matches any one segment
		{"GET", "/invites/", guard.Required},
		{"GET", "/invites/abc/more", guard.Required},
		{"GET", "/invites", guard.Required},
		{"POST", "/invites/abc", guard.Required},
		{"PUT", "/a/1/b", guard.Skip},
		{"PUT", "/a/1/c", guard.Required},
		{"PUT", "/a/../b", guard.Required},
		{"GET", "/healthz", guard.Skip},
		{"GET", "/healthz/", guard.Required}, // a different route to most routers: not public
		{"GET", "/HEALTHZ", guard.Required},
		{"GET", "/auth/login", guard.Skip},
		{"GET", "/auth/", guard.Required},
		{"GET", "/auth", guard.Required},
		{"GET", "/authors", guard.Required},
		{"GET", "/auth/../admin/users", guard.Required},
		{"GET", "/auth/./login", guard.Skip},
		{"GET", "//auth//login", guard.Skip},
		{"GET", "/posts", guard.Optional},
		{"GET", "/posts/7", guard.Optional},
		{"GET", "/posts/../admin", guard.Required},
		{"GET", "/admin", guard.Required},
		{"GET", "", guard.Required},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, g.ModeFor(tt.method, tt.path), tt.method+" "+tt.path)
	}
}

func TestAuthenticateModes(t *testing.T) {
	t.Parallel()
	bad := authn.AuthenticatorFunc(func(context.Context, authn.Credentials) (authn.Subject, error) {
		return authn.Subject{}, authn.ErrInvalidToken
	})
	ctx := context.Background()
	none := newGuard(t, guard.Config{})
	_, e := none.Authenticate(ctx, authntest.Request{}, guard.Required)
	require.NotNil(t, e)
	assert.Equal(t, http.StatusUnauthorized, e.Status)
	s, e := none.Authenticate(ctx, authntest.Request{}, guard.Optional)
	assert.Nil(t, e)
	assert.True(t, s.IsZero())

	wrong := newGuard(t, guard.Config{Authenticator: bad})
	_, e = wrong.Authenticate(ctx, authntest.Request{}, guard.Optional)
	require.NotNil(t, e, "optional authentication still refuses bad credentials")
	assert.Equal(t, guard.CodeInvalidToken, e.Code)
	_, e = wrong.Authenticate(ctx, authntest.Request{}, guard.Skip)
	assert.Nil(t, e, "skipped paths never authenticate")
}

func TestRequirementsPanicOnProgrammingErrors(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { guard.Permission("posts") })
	assert.Panics(t, func() { guard.Permission("posts:*") })
	assert.Panics(t, func() { guard.All() })
	assert.Panics(t, func() { guard.Any(permissions.PostsRead, "bad perm") })
	assert.Panics(t, func() { guard.Role(" ") })
	assert.Panics(t, func() { guard.AnyRole() })
	assert.Equal(t, "all of users:read, users:delete", guard.All(permissions.UsersRead, permissions.UsersDelete).String())
	assert.Equal(t, "any of users:read, policy:read", guard.Any(permissions.UsersRead, permissions.PolicyRead).String())
	assert.Equal(t, "role admin", guard.Role("admin").String())
}

func TestCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := authz.New(ctx)
	require.NoError(t, err)
	require.NoError(t, engine.AssignRole(ctx, "carol", "moderator"))
	g := newGuard(t, guard.Config{Engine: engine})
	carol := authn.Subject{ID: "carol", Method: authn.MethodBearer, AMR: []string{"pwd"}, ACR: authn.ACRSingleFactor}
	carolMFA := authn.Subject{ID: "carol", Method: authn.MethodBearer, AMR: []string{"pwd", "otp", "mfa"}, ACR: authn.ACRMultiFactor}

	tests := []struct {
		name    string
		subject authn.Subject
		req     guard.Requirement
		status  int // 0: allowed
	}{
		{"anonymous", authn.Subject{}, guard.Permission(permissions.UsersRead), 401},
		{"allowed", carol, guard.Permission(permissions.UsersRead), 0},
		{"denied", carol, guard.Permission(permissions.UsersDelete), 403},
		{"all, one missing", carol, guard.All(permissions.UsersRead, permissions.UsersDelete), 403},
		{"any, one held", carol, guard.Any(permissions.UsersDelete, permissions.UsersRead), 0},
		{"role held by inheritance", carol, guard.Role("user"), 0},
		{"role not held", carol, guard.Role("admin"), 403},
		{"all roles held", carol, guard.AllRoles("moderator", "user"), 0},
		{"all roles, one missing", carol, guard.AllRoles("moderator", "admin"), 403},
		{"any role, one held", carol, guard.AnyRole("admin", "moderator"), 0},
		{"any role, none held", carol, guard.AnyRole("admin", "suspended"), 403},
		{"zero requirement refuses", carol, guard.Requirement{}, 403},
		{"second factor missing", carol, guard.MFA(), 401},
		{"second factor there", carolMFA, guard.MFA(), 0},
		{"permission held, second factor missing", carol, guard.Permission(permissions.UsersRead).WithMFA(), 401},
		{"permission held, second factor there", carolMFA, guard.Permission(permissions.UsersRead).WithMFA(), 0},
		{"second factor there, permission not held", carolMFA, guard.Permission(permissions.UsersDelete).WithMFA(), 403},
		{"anonymous, second factor asked", authn.Subject{}, guard.MFA(), 401},
	}
	for _, tt := range tests {
		e := g.Check(ctx, tt.subject, tt.req)
		if tt.status == 0 {
			assert.Nil(t, e, tt.name)
			continue
		}
		require.NotNil(t, e, tt.name)
		assert.Equal(t, tt.status, e.Status, tt.name)
	}

	e := g.Check(ctx, carol, guard.Permission(permissions.UsersRead).WithMFA())
	require.NotNil(t, e)
	assert.Equal(t, guard.CodeReauthenticate, e.Code)
	assert.Contains(t, e.Header.Get("WWW-Authenticate"), `acr_values="aal2"`)
	assert.Equal(t, "users:read, with a second factor", guard.Permission(permissions.UsersRead).WithMFA().String())
	assert.Equal(t, "a second factor", guard.MFA().String())

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	e = g.Check(cancelled, carol, guard.Permission(permissions.UsersRead))
	require.NotNil(t, e, "a decision that cannot be made is never an allow")
	assert.Equal(t, http.StatusServiceUnavailable, e.Status)

	noEngine := newGuard(t, guard.Config{})
	e = noEngine.Check(ctx, carol, guard.Permission(permissions.UsersRead))
	require.NotNil(t, e)
	assert.Equal(t, http.StatusServiceUnavailable, e.Status)
}

func TestAuthorizeOrdersRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := authz.New(ctx)
	require.NoError(t, err)
	require.NoError(t, engine.AssignRole(ctx, "bob", "user"))
	g := newGuard(t, guard.Config{Engine: engine})
	bob := authn.Subject{ID: "bob", Method: authn.MethodBearer}
	loads := 0
	load := func(owner string, err error) func(context.Context) (guard.Loaded, error) {
		return func(context.Context) (guard.Loaded, error) {
			loads++
			return guard.Loaded{Resource: authz.Resource{ID: "7", Owner: owner}, Value: owner}, err
		}
	}

	_, e := g.Authorize(ctx, authn.Subject{}, permissions.PostsUpdate, load("bob", nil))
	require.NotNil(t, e)
	assert.Equal(t, 401, e.Status)
	assert.Zero(t, loads, "nothing is loaded for an anonymous caller")

	_, e = g.Authorize(ctx, bob, permissions.PostsUpdate, load("", guard.ErrNotFound))
	require.NotNil(t, e)
	assert.Equal(t, 404, e.Status)

	_, e = g.Authorize(ctx, bob, permissions.PostsUpdate, load("carol", nil))
	require.NotNil(t, e)
	assert.Equal(t, 403, e.Status)

	loaded, e := g.Authorize(ctx, bob, permissions.PostsUpdate, load("bob", nil))
	require.Nil(t, e)
	assert.Equal(t, "bob", loaded.Value)
	assert.Equal(t, "posts", loaded.Resource.Type, "the type defaults to the permission's resource")

	_, e = g.Authorize(ctx, bob, permissions.PostsUpdate, load("", errors.New("db down")))
	require.NotNil(t, e)
	assert.Equal(t, 503, e.Status)
}

func TestFilterForAnonymousIsNone(t *testing.T) {
	t.Parallel()
	engine, err := authz.New(context.Background())
	require.NoError(t, err)
	g := newGuard(t, guard.Config{Engine: engine})
	f, e := g.Filter(context.Background(), authn.Subject{}, permissions.PostsRead)
	assert.Nil(t, e)
	assert.Equal(t, authz.FilterNone, f.Kind)
}

func TestLoadedContext(t *testing.T) {
	t.Parallel()
	ctx := guard.WithLoaded(context.Background(), 42)
	n, ok := guard.LoadedFrom[int](ctx)
	assert.True(t, ok)
	assert.Equal(t, 42, n)
	_, ok = guard.LoadedFrom[string](ctx)
	assert.False(t, ok)
}

func TestAuthenticateRefusesRolesAsSubjects(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	engine, err := authz.New(ctx)
	require.NoError(t, err)
	require.NoError(t, engine.AssignRole(ctx, "usr_1", "user"))
	as := func(id string) authn.Authenticator {
		return authn.AuthenticatorFunc(func(context.Context, authn.Credentials) (authn.Subject, error) {
			return authn.Subject{ID: id, Method: authn.MethodBearer}, nil
		})
	}
	tests := []struct {
		name      string
		id        string
		isSubject func(string) bool
		refused   bool
	}{
		{"a subject", "usr_1", nil, false},
		{"a role somebody holds", "user", nil, true},
		{"a role held by a role", "moderator", nil, true},
		{"a role nobody holds, without a pattern", "suspended", nil, false},
		{"a role nobody holds, with a pattern", "suspended", func(id string) bool { return strings.HasPrefix(id, "usr_") }, true},
		{"a subject with a pattern", "usr_1", func(id string) bool { return strings.HasPrefix(id, "usr_") }, false},
		{"a name no policy takes", "a,b", nil, true},
	}
	for _, tt := range tests {
		g := newGuard(t, guard.Config{Authenticator: as(tt.id), Engine: engine, IsSubject: tt.isSubject})
		s, e := g.Authenticate(ctx, authntest.Request{}, guard.Required)
		if !tt.refused {
			assert.Nil(t, e, tt.name)
			assert.Equal(t, tt.id, s.ID, tt.name)
			continue
		}
		require.NotNil(t, e, tt.name)
		assert.Equal(t, 401, e.Status, tt.name)
		assert.ErrorIs(t, e, guard.ErrRoleAsSubject, tt.name)
		assert.True(t, s.IsZero(), tt.name)
	}
}

// BenchmarkModeFor measures the path match every request goes through,
// patterns with a method and a {name} segment included:
//
//	go test -run '^$' -bench ModeFor -benchmem ./adapters/guard
func BenchmarkModeFor(b *testing.B) {
	g := newGuard(b, guard.Config{
		PublicPaths:   []string{"/healthz", "POST /auth/login", "POST /auth/register", "POST /auth/refresh", "POST /auth/session", "GET /invites/{code}"},
		OptionalPaths: []string{"/posts", "/posts/*"},
	})
	b.ReportAllocs()
	for b.Loop() {
		g.ModeFor("GET", "/invites/abc")
		g.ModeFor("DELETE", "/admin/users/usr_1")
	}
}
