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
// unset) and GATEHOUSE_JWT_ISSUER (default gatehouse).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/recover"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
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

	mw, err := fiberadapter.New(fiberadapter.Config{Guard: app.Guard()})
	if err != nil {
		return err
	}
	server := fiber.New(fiber.Config{
		// Fiber refuses a body over BodyLimit by closing the connection
		// while the client may still be sending, which clients see as a
		// reset rather than a 413. Stream bodies instead, BodyLimit being
		// only what is read ahead, and answer the API's 413 in the
		// handler (see readBody).
		StreamRequestBody: true,
		BodyLimit:         endpoint.MaxBodyBytes,
		// Multipart bodies are not parsed ahead: the API reads JSON only
		// and answers others 415, as net/http and Gin do.
		DisablePreParseMultipartForm: true,
		// Headers up to 64 KiB, as blog.Serve allows net/http and Gin;
		// larger ones get 431.
		ReadBufferSize: 64 << 10,
		// A request's head and body must arrive within 10 s, as blog.Serve
		// has it for net/http and Gin; idle connections close after a
		// minute.
		ReadTimeout: 10 * time.Second,
		IdleTimeout: time.Minute,
		// Fiber's own errors as the API's JSON, never with their text.
		ErrorHandler: func(c fiber.Ctx, err error) error { return mw.ErrorHandler(c, fiberError(err)) },
		// Route like net/http and Gin: paths are case-sensitive and a
		// trailing slash names another route.
		CaseSensitive: true,
		StrictRouting: true,
	})
	// Refuse before routing what net/http refuses by itself (ambiguous
	// framing, a missing Host, unknown methods and versions).
	mw.Harden(server)
	// A panic in a handler is a 503, logged by the ErrorHandler, not the
	// end of the process (fasthttp does not recover handlers' panics, as
	// net/http does).
	server.Use(recover.New(), refuseChunked(mw), mw.Authenticate())
	mw.Mount(server, app.Auth.Routes()...)
	for _, route := range app.Routes() {
		handlers := serveRoute(mw, app, route)
		methods := []string{route.Method}
		if route.Method == fiber.MethodGet {
			// HEAD is GET without the body, as net/http routes it.
			methods = append(methods, fiber.MethodHead)
		}
		server.Add(methods, fiberPath(route.Path), handlers[0], handlers[1:]...)
	}
	server.Use(func(c fiber.Ctx) error { return mw.WriteError(c, blog.NotFound) })

	ln, err := net.Listen("tcp", app.Addr())
	if err != nil {
		return err
	}
	app.Logger().Info("listening", "addr", "http://"+ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- server.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := server.ShutdownWithContext(shutdown); err != nil {
		return err
	}
	return <-done
}

// serveRoute mounts one route: its guard first (Fiber runs a route's
// handlers in order), then the endpoint with the request gathered.
func serveRoute(mw *fiberadapter.Middleware, app *blog.App, route blog.Route) []any {
	var handlers []any
	switch {
	case route.Permission != "":
		handlers = append(handlers, mw.RequirePermission(route.Permission))
	case route.Owner != "":
		handlers = append(handlers, mw.RequireOwnership(route.Owner, func(c fiber.Ctx) (guard.Loaded, error) {
			return app.LoadPost(c.Context(), c.Params("id"))
		}))
	}
	return append(handlers, func(c fiber.Ctx) error {
		body, err := readBody(c)
		if err != nil {
			return mw.WriteError(c, err)
		}
		var contentTypes []string
		for _, ct := range c.Request().Header.PeekAll(fiber.HeaderContentType) {
			contentTypes = append(contentTypes, string(ct))
		}
		if err := endpoint.CheckContentType(contentTypes, body); err != nil {
			return mw.WriteError(c, err)
		}
		req := blog.Request{Body: body, ID: c.Params("id")}
		req.Subject, _ = fiberadapter.SubjectFrom(c)
		req.Loaded, _ = fiberadapter.Loaded[blog.Post](c)
		resp := route.Handle(c.Context(), req)
		if resp.Err != nil {
			return mw.WriteError(c, resp.Err)
		}
		if resp.Body == nil {
			return c.SendStatus(resp.Status)
		}
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Status(resp.Status).JSON(resp.Body)
	})
}

// fiberError maps those of Fiber's own errors the API answers in its own
// words (unknown route, body or headers too large); the adapter's
// ErrorHandler answers the others, never with their text.
func fiberError(err error) error {
	var fe *fiber.Error
	if !errors.As(err, &fe) {
		return err
	}
	switch fe.Code {
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		return blog.NotFound
	case fiber.StatusRequestEntityTooLarge:
		return endpoint.ErrPayloadTooLarge
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return blog.ErrHeadersTooLarge
	}
	return err
}

// refuseChunked refuses a chunked body and closes the connection, as
// blog.Serve does for net/http and Gin (see blog.ErrChunkedBody).
func refuseChunked(mw *fiberadapter.Middleware) fiber.Handler {
	return func(c fiber.Ctx) error {
		if c.Request().Header.ContentLength() == -1 || len(c.Request().Header.Peek(fiber.HeaderTransferEncoding)) > 0 {
			c.Set(fiber.HeaderConnection, "close")
			return mw.WriteError(c, blog.ErrChunkedBody)
		}
		return c.Next()
	}
}

// fiberPath turns "/posts/{id}" into Fiber's "/posts/:id".
func fiberPath(p string) string { return strings.NewReplacer("{", ":", "}", "").Replace(p) }
