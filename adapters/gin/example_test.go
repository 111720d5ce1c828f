package ginadapter_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func Example() {
	ctx := context.Background()
	engine, _ := authz.New(ctx) // the default policy
	_ = engine.AssignRole(ctx, "carol", "moderator")
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})

	mw, err := ginadapter.New(ginadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		PublicPaths:   []string{"/healthz"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(mw.Authenticate())
	r.GET("/admin/users", mw.RequirePermission(permissions.UsersRead), func(c *gin.Context) {
		s, _ := ginadapter.SubjectFrom(c)
		c.String(http.StatusOK, "users, for %s", s.ID)
	})

	carol, _ := tokens.Issue(ctx, "carol")
	bob, _ := tokens.Issue(ctx, "bob")
	for _, auth := range []string{"", "Bearer " + bob.Value.Reveal(), "Bearer " + carol.Value.Reveal()} {
		req := httptest.NewRequest("GET", "/admin/users", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// Output:
	// 401 {"error":"unauthorized","message":"authentication required"}
	// 403 {"error":"forbidden","message":"you may not users:read"}
	// 200 users, for carol
}

// Endpoints written once, without a framework, are mounted with Mount, on
// an engine or a group: the account API of package accountapi is made of
// such routes. {name} parameters become Gin's :name. Public routes go into
// PublicPaths; the others need credentials, which Authenticate checks
// before the handler runs.
func ExampleMiddleware_Mount() {
	ctx := context.Background()
	engine, _ := authz.New(ctx)
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})

	routes := []endpoint.Route{
		{Method: "GET", Path: "/status", Public: true,
			Handler: func(ctx context.Context, r endpoint.Request) endpoint.Response {
				return endpoint.JSON(http.StatusOK, map[string]string{"status": "ok"})
			}},
		{Method: "POST", Path: "/boards/{board}/notes",
			Handler: func(ctx context.Context, r endpoint.Request) endpoint.Response {
				var note struct {
					Text string `json:"text"`
				}
				if err := endpoint.DecodeJSON(r.Body, &note); err != nil {
					return endpoint.Fail(err) // a 400 naming what is wrong
				}
				return endpoint.JSON(http.StatusCreated, map[string]string{
					"author": r.Subject.ID, "board": r.Param("board"), "text": note.Text,
				})
			}},
	}

	mw, err := ginadapter.New(ginadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		PublicPaths:   endpoint.PublicPaths(routes), // "GET /status"
	}})
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(mw.Authenticate())
	mw.Mount(r, routes...)

	carol, _ := tokens.Issue(ctx, "carol")
	send := func(method, path, auth, body string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	send("GET", "/status", "", "")
	send("POST", "/boards/news/notes", "", `{"text":"hi"}`)
	send("POST", "/boards/news/notes", "Bearer "+carol.Value.Reveal(), `{"text":"hi"}`)
	send("POST", "/boards/news/notes", "Bearer "+carol.Value.Reveal(), `{"text":42}`)
	// Output:
	// 200 {"status":"ok"}
	// 401 {"error":"unauthorized","message":"authentication required"}
	// 201 {"author":"carol","board":"news","text":"hi"}
	// 400 {"error":"invalid_request","message":"field \"text\" must be a string"}
}

// Under a model with tenants, Guard.Tenant names where requests carry
// their tenant, here the route parameter :org. Members are decided in the
// tenant; everyone else gets the 404 of a missing resource, so that the
// names of organizations do not leak. A nested tenant is named with its
// "/" escaped, which Gin routes under UseEscapedPath.
func Example_tenants() {
	ctx := context.Background()
	engine, _ := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(`
p, member, *, posts:read, any, allow
g, alice, member, acme
g, ops, member, *
`))
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})
	mw, err := ginadapter.New(ginadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		Tenant:        guard.TenantFromPath("org"),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}})
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.UseEscapedPath = true // route "/orgs/acme%2Feu/posts" to :org
	r.Use(mw.Authenticate())
	r.GET("/orgs/:org/posts", mw.RequirePermission(permissions.PostsRead), func(c *gin.Context) {
		org, _ := ginadapter.Tenant(c) // scope the query: ListFilter.WhereTenant
		c.String(http.StatusOK, "posts of %s\n", org)
	})

	for _, call := range []struct{ subject, path string }{
		{"alice", "/orgs/acme/posts"},
		{"alice", "/orgs/acme%2Feu/posts"}, // acme/eu, below acme
		{"alice", "/orgs/globex/posts"},
		{"alice", "/orgs/no-such-org/posts"},
		{"ops", "/orgs/globex/posts"},
	} {
		tok, _ := tokens.Issue(ctx, call.subject)
		req := httptest.NewRequest("GET", call.path, nil)
		req.Header.Set("Authorization", "Bearer "+tok.Value.Reveal())
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Print(call.subject, " ", call.path, ": ", rec.Code, " ", rec.Body.String())
	}
	// Output:
	// alice /orgs/acme/posts: 200 posts of acme
	// alice /orgs/acme%2Feu/posts: 200 posts of acme/eu
	// alice /orgs/globex/posts: 404 {"error":"not_found","message":"not found"}
	// alice /orgs/no-such-org/posts: 404 {"error":"not_found","message":"not found"}
	// ops /orgs/globex/posts: 200 posts of globex
}
