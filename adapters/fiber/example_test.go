package fiberadapter_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
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

	mw, err := fiberadapter.New(fiberadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		PublicPaths:   []string{"/healthz"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New()
	app.Use(mw.Authenticate())
	// Fiber runs a route's handlers in order: the guard goes first.
	app.Get("/admin/users", mw.RequirePermission(permissions.UsersRead), func(c fiber.Ctx) error {
		s, _ := fiberadapter.SubjectFrom(c)
		return c.SendString("users, for " + s.ID)
	})

	carol, _ := tokens.Issue(ctx, "carol")
	bob, _ := tokens.Issue(ctx, "bob")
	for _, auth := range []string{"", "Bearer " + bob.Value.Reveal(), "Bearer " + carol.Value.Reveal()} {
		req := httptest.NewRequest("GET", "/admin/users", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := app.Test(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		fmt.Print(resp.StatusCode, " ", string(body))
	}
	// Output:
	// 401 {"error":"unauthorized","message":"authentication required"}
	// 403 {"error":"forbidden","message":"you may not users:read"}
	// 200 users, for carol
}

// Endpoints written once, without a framework, are mounted with Mount, on
// an app or a group: the account API of package accountapi is made of such
// routes. {name} parameters become Fiber's :name, and what a handler gets
// is copied out of Fiber's reused buffers first. Public routes go into
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

	mw, err := fiberadapter.New(fiberadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		PublicPaths:   endpoint.PublicPaths(routes), // "GET /status"
	}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New(fiber.Config{ErrorHandler: mw.ErrorHandler})
	app.Use(mw.Authenticate())
	mw.Mount(app, routes...)

	carol, _ := tokens.Issue(ctx, "carol")
	send := func(method, path, auth, body string) {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := app.Test(req)
		if err != nil {
			log.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		fmt.Print(resp.StatusCode, " ", string(got))
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
// names of organizations do not leak. Tenant returns a copy of the name,
// which the handler may keep.
func Example_tenants() {
	ctx := context.Background()
	engine, _ := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(`
p, member, *, posts:read, any, allow
g, alice, member, acme
g, ops, member, *
`))
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})
	mw, err := fiberadapter.New(fiberadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		Tenant:        guard.TenantFromPath("org"),
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New()
	app.Use(mw.Authenticate())
	app.Get("/orgs/:org/posts", mw.RequirePermission(permissions.PostsRead), func(c fiber.Ctx) error {
		org, _ := fiberadapter.Tenant(c) // scope the query: ListFilter.WhereTenant
		return c.SendString("posts of " + org + "\n")
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
		resp, err := app.Test(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		fmt.Print(call.subject, " ", call.path, ": ", resp.StatusCode, " ", string(body))
	}
	// Output:
	// alice /orgs/acme/posts: 200 posts of acme
	// alice /orgs/acme%2Feu/posts: 200 posts of acme/eu
	// alice /orgs/globex/posts: 404 {"error":"not_found","message":"not found"}
	// alice /orgs/no-such-org/posts: 404 {"error":"not_found","message":"not found"}
	// ops /orgs/globex/posts: 200 posts of globex
}
