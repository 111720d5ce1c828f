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
// unset) and GATEHOUSE_JWT_ISSUER (default gatehouse).
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, os.Stderr, nil); err != nil {
		fmt.Fprintln(os.Stderr, "gin:", err)
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

	mw, err := ginadapter.New(ginadapter.Config{Guard: app.Guard()})
	if err != nil {
		return err
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	// Answer a path that names no route with the API's 404, as net/http
	// and Fiber do, rather than redirecting to a path that may.
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	// Route on the path as sent: "/admin%2fusers" is not "/admin/users",
	// as it is not for net/http and Fiber.
	r.UseRawPath = true
	r.Use(gin.Recovery(), mw.Authenticate())
	mw.Mount(r, app.Auth.Routes()...)
	for _, route := range app.Routes() {
		r.Handle(route.Method, ginPath(route.Path), serveRoute(mw, app, route)...)
		if route.Method == http.MethodGet {
			// HEAD is GET without the body, as net/http routes it.
			r.Handle(http.MethodHead, ginPath(route.Path), serveRoute(mw, app, route)...)
		}
	}
	r.NoRoute(func(c *gin.Context) { mw.WriteError(c, blog.NotFound) })

	return blog.Serve(ctx, app.Addr(), r, app.Logger(), ready)
}

// serveRoute mounts one route: its guard, then the endpoint with the body
// read and the request gathered.
func serveRoute(mw *ginadapter.Middleware, app *blog.App, route blog.Route) []gin.HandlerFunc {
	var handlers []gin.HandlerFunc
	switch {
	case route.Permission != "":
		handlers = append(handlers, mw.RequirePermission(route.Permission))
	case route.Owner != "":
		handlers = append(handlers, mw.RequireOwnership(route.Owner, func(c *gin.Context) (guard.Loaded, error) {
			return app.LoadPost(c.Request.Context(), c.Param("id"))
		}))
	}
	return append(handlers, func(c *gin.Context) {
		body, err := endpoint.ReadBody(http.MaxBytesReader(c.Writer, c.Request.Body, endpoint.MaxBodyBytes))
		if err == nil {
			err = endpoint.CheckContentType(c.Request.Header.Values("Content-Type"), body)
		}
		if err != nil {
			mw.WriteError(c, err)
			return
		}
		resp := route.Handle(c.Request.Context(), blog.RequestFrom(c.Request, c.Param("id"), body))
		if resp.Err != nil {
			mw.WriteError(c, resp.Err)
			return
		}
		blog.WriteResponse(c.Writer, resp)
	})
}

// ginPath turns "/posts/{id}" into Gin's "/posts/:id".
func ginPath(p string) string { return strings.NewReplacer("{", ":", "}", "").Replace(p) }
