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
// unset) and GATEHOUSE_JWT_ISSUER (default gatehouse).
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
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

	mw, err := httpadapter.New(httpadapter.Config{Guard: app.Guard()})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mw.Mount(mux, app.Auth.Routes()...)
	for _, route := range app.Routes() {
		mux.Handle(route.Method+" "+route.Path, serveRoute(mw, app, route))
	}
	notFound := func(w http.ResponseWriter, r *http.Request) { mw.WriteError(w, r, blog.NotFound) }
	mux.HandleFunc("/", notFound)
	// ServeMux redirects a path with "." or ".." segments or repeated
	// slashes to its clean form; the API names no route by such a path.
	routes := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !blog.IsCleanPath(r.URL.Path) {
			notFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})

	return blog.Serve(ctx, app.Addr(), mw.Authenticate(routes), app.Logger(), ready)
}

// serveRoute mounts one route: its guard, then the endpoint with the body
// read and the request gathered.
func serveRoute(mw *httpadapter.Middleware, app *blog.App, route blog.Route) http.Handler {
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := endpoint.ReadBody(http.MaxBytesReader(w, r.Body, endpoint.MaxBodyBytes))
		if err == nil {
			err = endpoint.CheckContentType(r.Header.Values("Content-Type"), body)
		}
		if err != nil {
			mw.WriteError(w, r, err)
			return
		}
		resp := route.Handle(r.Context(), blog.RequestFrom(r, r.PathValue("id"), body))
		if resp.Err != nil {
			mw.WriteError(w, r, resp.Err)
			return
		}
		blog.WriteResponse(w, resp)
	})
	switch {
	case route.Permission != "":
		h = mw.RequirePermission(route.Permission)(h)
	case route.Owner != "":
		h = mw.RequireOwnership(route.Owner, func(r *http.Request) (guard.Loaded, error) {
			return app.LoadPost(r.Context(), r.PathValue("id"))
		})(h)
	}
	return h
}
