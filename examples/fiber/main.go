// Command fiber serves gatehouse's example blog API with Fiber v3.
//
//	go run ./examples/fiber
//
// Configuration comes from the environment: ADDR (default 127.0.0.1:8080),
// GATEHOUSE_DATABASE (default sqlite:gatehouse-example.db; postgres://… and
// mysql://… for several replicas), GATEHOUSE_REDIS (redis://…, to carry
// changes between replicas by Redis rather than PostgreSQL LISTEN/NOTIFY,
// and to count failed logins there rather than in the database),
// GATEHOUSE_REDIS_PREFIX (default gatehouse:, the start of the example's
// Redis keys), GATEHOUSE_JWT_SECRET (at least 32 bytes; a random one when
// unset), GATEHOUSE_JWT_ISSUER (default gatehouse), and GATEHOUSE_OIDC_ISSUER
// with GATEHOUSE_OIDC_AUDIENCE to accept an OpenID provider's access tokens
// too (each provider subject a local user, created on its first token), and
// GATEHOUSE_SECOND_FACTOR_KEY (at least 32 bytes; a random one when unset),
// which seals users' TOTP second factors.
// GATEHOUSE_METRICS_ADDR (such as 127.0.0.1:9090), when set, serves
// Prometheus metrics at GET /metrics on a listener of its own.
//
// This file is what an application writes to put gatehouse in front of
// its routes: the account API mounted in one line, and each of the
// blog's own routes with its guard. The handlers, in handlers.go, read
// their input, call the blog and write JSON; server.go configures Fiber
// to serve HTTP as net/http does.
package main

import (
	"github.com/gofiber/fiber/v3/middleware/adaptor"

	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "fiber:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done; ready, when set, learns the address once
// the server accepts connections.
func run(ctx context.Context, getenv func(string) string, logs io.Writer, ready func(addr string)) error {
	app, err := blog.Start(ctx, getenv, logs)
	if err != nil {
		return err
	}
	defer app.Close()

	// The account API's logins, registration and refresh are public (see
	// app.Auth.Guard), and so is the health check; the posts serve
	// anonymous callers too, and authenticated ones as themselves.
	guardConfig := app.Guard() // the stack's, traced and counted by app.Observer
	guardConfig.PublicPaths = append(guardConfig.PublicPaths, "/healthz")
	guardConfig.PublicPaths = append(guardConfig.PublicPaths, blog.PagePaths...) // the passkey page
	// The policy console authenticates its visitors itself, from the
	// session cookie, and decides with the policy who may use it.
	guardConfig.PublicPaths = append(guardConfig.PublicPaths, "/console", "/console/", "/console/*")
	guardConfig.OptionalPaths = []string{"/posts", "/posts/*"}
	mw, err := fiberadapter.New(fiberadapter.Config{Guard: guardConfig})
	if err != nil {
		return err
	}
	if err := app.ObserveGuard(mw.Guard()); err != nil {
		return err
	}
	s := &server{app: app, mw: mw}

	api := newFiber(mw)
	// Authenticate every request but those of the public paths; on the
	// optional paths, anonymous callers pass too.
	api.Use(mw.Authenticate())

	// Fiber answers HEAD on every GET route.
	mw.Mount(api, app.Auth.Routes()...) // the account API: /auth/*, /me, /api-keys
	api.Get("/healthz", s.health)
	api.All("/console", adaptor.HTTPHandler(app.Console)) // the policy console
	api.All("/console/*", adaptor.HTTPHandler(app.Console))
	for _, path := range blog.PagePaths {
		api.Get(path, s.page)
	}
	api.Get("/posts", s.listPosts)
	api.Get("/posts/:id", s.getPost)
	api.Post("/posts", mw.RequirePermission(permissions.PostsWrite), s.createPost)
	api.Put("/posts/:id", mw.RequireOwnership(permissions.PostsUpdate, s.loadPost), s.updatePost)
	api.Delete("/posts/:id", mw.RequireOwnership(permissions.PostsDelete, s.loadPost), s.deletePost)
	api.Put("/posts/:id/editors/:user_id", mw.RequireOwnership(permissions.PostsShare, s.loadReadablePost), s.shareWithEditor)
	api.Delete("/posts/:id/editors/:user_id", mw.RequireOwnership(permissions.PostsShare, s.loadReadablePost), s.removeEditor)
	api.Get("/posts/:id/access", mw.RequireOwnership(permissions.PostsAudit, s.loadReadablePost), s.postAccess)
	api.Get("/admin/users", mw.RequirePermission(permissions.UsersRead), s.listUsers)
	api.Put("/admin/users/:id/roles", mw.RequirePermission(permissions.UsersWrite), s.setUserRoles)
	api.Delete("/admin/users/:id", mw.RequirePermission(permissions.UsersDelete), s.deleteUser)
	api.Get("/admin/policy", mw.RequirePermission(permissions.PolicyRead), s.policy)
	api.Post("/admin/policy/grants", mw.RequirePermission(permissions.PolicyWrite), s.addGrant)
	api.Delete("/admin/policy/grants", mw.RequirePermission(permissions.PolicyWrite), s.removeGrant)
	// Any other path or method reaches the ErrorHandler as Fiber's 404 or
	// 405, which answers the API's JSON 404 (see newFiber).

	return serve(ctx, api, app.Addr(), app.Logger(), ready)
}
