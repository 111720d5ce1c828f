// Command gin serves gatehouse's example blog API with Gin.
//
//	go run ./examples/gin
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
// their input, call the blog and write JSON.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/gin-gonic/gin"

	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "gin:", err)
		os.Exit(1)
	}
}

// getOrHead routes a GET route for HEAD too, as net/http and Fiber do:
// HEAD is GET without the body.
var getOrHead = []string{http.MethodGet, http.MethodHead}

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
	mw, err := ginadapter.New(ginadapter.Config{Guard: guardConfig})
	if err != nil {
		return err
	}
	if err := app.ObserveGuard(mw.Guard()); err != nil {
		return err
	}
	s := &server{app: app, mw: mw}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Answer a path that names no route with the API's 404, as net/http
	// and Fiber do, rather than redirecting to a path that may.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	// Route on the path as sent: "/admin%2fusers" is not "/admin/users",
	// as it is not for net/http and Fiber.
	r.UseRawPath = true
	// Authenticate every request but those of the public paths; on the
	// optional paths, anonymous callers pass too.
	r.Use(gin.Recovery(), mw.Authenticate())

	mw.Mount(r, app.Auth.Routes()...) // the account API: /auth/*, /me, /api-keys
	r.Match(getOrHead, "/healthz", s.health)
	r.Any("/console", gin.WrapH(app.Console)) // the policy console
	r.Any("/console/*path", gin.WrapH(app.Console))
	for _, path := range blog.PagePaths {
		r.Match(getOrHead, path, s.page)
	}
	r.Match(getOrHead, "/posts", s.listPosts)
	r.Match(getOrHead, "/posts/:id", s.getPost)
	r.POST("/posts", mw.RequirePermission(permissions.PostsWrite), s.createPost)
	r.PUT("/posts/:id", mw.RequireOwnership(permissions.PostsUpdate, s.loadPost), s.updatePost)
	r.DELETE("/posts/:id", mw.RequireOwnership(permissions.PostsDelete, s.loadPost), s.deletePost)
	r.PUT("/posts/:id/editors/:user_id", mw.RequireOwnership(permissions.PostsShare, s.loadReadablePost), s.shareWithEditor)
	r.DELETE("/posts/:id/editors/:user_id", mw.RequireOwnership(permissions.PostsShare, s.loadReadablePost), s.removeEditor)
	r.Match(getOrHead, "/posts/:id/access", mw.RequireOwnership(permissions.PostsAudit, s.loadReadablePost), s.postAccess)
	r.Match(getOrHead, "/admin/users", mw.RequirePermission(permissions.UsersRead), s.listUsers)
	r.PUT("/admin/users/:id/roles", mw.RequirePermission(permissions.UsersWrite), s.setUserRoles)
	r.DELETE("/admin/users/:id", mw.RequirePermission(permissions.UsersDelete), s.deleteUser)
	r.Match(getOrHead, "/admin/policy", mw.RequirePermission(permissions.PolicyRead), s.policy)
	r.POST("/admin/policy/grants", mw.RequirePermission(permissions.PolicyWrite), s.addGrant)
	r.DELETE("/admin/policy/grants", mw.RequirePermission(permissions.PolicyWrite), s.removeGrant)
	r.NoRoute(s.notFound)

	return blog.Serve(ctx, app.Addr(), r, app.Logger(), ready)
}
