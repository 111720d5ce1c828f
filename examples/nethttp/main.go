// Command nethttp serves gatehouse's example blog API with net/http.
//
//	go run ./examples/nethttp
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
// which seals users' TOTP second factors, and GATEHOUSE_PASSKEY_ORIGIN
// (default http://localhost and ADDR's port), the origin users' passkeys
// are bound to. Register a passkey and log in with it at /passkeys.
// GATEHOUSE_METRICS_ADDR (such as 127.0.0.1:9090), when set, serves
// Prometheus metrics at GET /metrics on a listener of its own.
//
// This file is what an application writes to put gatehouse in front of
// its routes: the account API mounted in one line, and each of the
// blog's own routes with its guard. The handlers, in handlers.go, read
// their input, call the blog and write JSON (json.go).
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "nethttp:", err)
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
	mw, err := httpadapter.New(httpadapter.Config{Guard: guardConfig})
	if err != nil {
		return err
	}
	if err := app.ObserveGuard(mw.Guard()); err != nil {
		return err
	}
	s := &server{app: app, mw: mw}

	mux := http.NewServeMux()
	mw.Mount(mux, app.Auth.Routes()...) // the account API: /auth/*, /me, /api-keys
	mux.HandleFunc("GET /healthz", s.health)
	mux.Handle("/console/", app.Console) // the policy console
	mux.Handle("/console", app.Console)
	for _, path := range blog.PagePaths {
		mux.HandleFunc("GET "+path, s.page)
	}
	mux.HandleFunc("GET /posts", s.listPosts)
	mux.HandleFunc("GET /posts/{id}", s.getPost)
	mux.Handle("POST /posts", mw.RequirePermission(permissions.PostsWrite)(http.HandlerFunc(s.createPost)))
	mux.Handle("PUT /posts/{id}", mw.RequireOwnership(permissions.PostsUpdate, s.loadPost)(http.HandlerFunc(s.updatePost)))
	mux.Handle("DELETE /posts/{id}", mw.RequireOwnership(permissions.PostsDelete, s.loadPost)(http.HandlerFunc(s.deletePost)))
	mux.Handle("PUT /posts/{id}/editors/{user_id}", mw.RequireOwnership(permissions.PostsShare, s.loadReadablePost)(http.HandlerFunc(s.shareWithEditor)))
	mux.Handle("DELETE /posts/{id}/editors/{user_id}", mw.RequireOwnership(permissions.PostsShare, s.loadReadablePost)(http.HandlerFunc(s.removeEditor)))
	mux.Handle("GET /posts/{id}/access", mw.RequireOwnership(permissions.PostsAudit, s.loadReadablePost)(http.HandlerFunc(s.postAccess)))
	mux.Handle("GET /admin/users", mw.RequirePermission(permissions.UsersRead)(http.HandlerFunc(s.listUsers)))
	mux.Handle("PUT /admin/users/{id}/roles", mw.RequirePermission(permissions.UsersWrite)(http.HandlerFunc(s.setUserRoles)))
	mux.Handle("DELETE /admin/users/{id}", mw.RequirePermission(permissions.UsersDelete)(http.HandlerFunc(s.deleteUser)))
	mux.Handle("GET /admin/policy", mw.RequirePermission(permissions.PolicyRead)(http.HandlerFunc(s.policy)))
	mux.Handle("POST /admin/policy/grants", mw.RequirePermission(permissions.PolicyWrite)(http.HandlerFunc(s.addGrant)))
	mux.Handle("DELETE /admin/policy/grants", mw.RequirePermission(permissions.PolicyWrite)(http.HandlerFunc(s.removeGrant)))
	// Any other path or method: the API's JSON 404 rather than ServeMux's
	// text 404 or 405.
	mux.HandleFunc("/", s.notFound)

	// Authenticate every request but those of the public paths (on the
	// optional paths, anonymous callers pass too), then route it.
	return blog.Serve(ctx, app.Addr(), mw.Authenticate(s.onlyCleanPaths(mux)), app.Logger(), ready)
}
