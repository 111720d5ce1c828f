package guard_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// A middleware in front of many routes asks ModeFor how to authenticate
// each request. PublicPaths entries are exact paths, prefixes ending in
// "/*", or either after a method, as net/http's ServeMux patterns are
// written: "POST /auth/session" lets a browser log in whatever cookie it
// still holds, while logging out (DELETE) needs that cookie. Paths are
// cleaned first, so ".." cannot climb out of a public prefix.
func ExampleGuard_ModeFor() {
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})
	g, err := guard.New(guard.Config{
		Authenticator: tokens.Authenticator(), // accounts.Authenticator() in an application
		PublicPaths:   []string{"/healthz", "/docs/*", "POST /auth/session", "GET /status"},
		OptionalPaths: []string{"GET /posts"},
	})
	if err != nil {
		log.Fatal(err)
	}
	modes := map[guard.Mode]string{guard.Required: "required", guard.Optional: "optional", guard.Skip: "skip"}
	for _, r := range []struct{ method, path string }{
		{"GET", "/healthz"},
		{"POST", "/auth/session"},
		{"DELETE", "/auth/session"},
		{"GET", "/docs/intro"},
		{"GET", "/docs"},
		{"GET", "/docs/../admin"},
		{"HEAD", "/status"},
		{"GET", "/posts"},
		{"GET", "/admin/users"},
	} {
		fmt.Printf("%-6s %-14s %s\n", r.method, r.path, modes[g.ModeFor(r.method, r.path)])
	}
	// Output:
	// GET    /healthz       skip
	// POST   /auth/session  skip
	// DELETE /auth/session  required
	// GET    /docs/intro    skip
	// GET    /docs          required
	// GET    /docs/../admin required
	// HEAD   /status        skip
	// GET    /posts         optional
	// GET    /admin/users   required
}

// Under a model with tenants, Config.Tenant says once where requests name
// their tenant. The adapters call EnterTenant on every guarded route: a
// caller who is no member of the tenant gets the 404 of a resource that
// does not exist, whether the tenant exists or not; a member is checked
// in the tenant, and handlers scope their queries with TenantFrom.
func ExampleGuard_EnterTenant() {
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(`
p, admin, *, posts:*, any, allow
g, alice, admin, acme
`))
	if err != nil {
		log.Fatal(err)
	}
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})
	g, err := guard.New(guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		Tenant:        guard.TenantFromPath("org"), // routes such as GET /orgs/{org}/posts
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		log.Fatal(err)
	}
	alice := authn.Subject{ID: "alice", Method: authn.MethodBearer}
	for _, org := range []string{"acme", "acme/eu", "globex", "no-such-org"} {
		r := httptest.NewRequest("GET", "/orgs/x/posts", nil)
		r.SetPathValue("org", org)
		ctx, e := g.EnterTenant(r.Context(), alice, guard.RequestTenant(r))
		if e != nil {
			fmt.Printf("%-11s %d %s", org, e.Status, e.Body())
			continue
		}
		tenant, _ := guard.TenantFrom(ctx)
		fmt.Printf("%-11s in %s, posts:delete allowed: %v\n", org, tenant,
			g.Check(ctx, alice, guard.Permission(permissions.PostsDelete)) == nil)
	}
	// Output:
	// acme        in acme, posts:delete allowed: true
	// acme/eu     in acme/eu, posts:delete allowed: true
	// globex      404 {"error":"not_found","message":"not found"}
	// no-such-org 404 {"error":"not_found","message":"not found"}
}
