package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/recover"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// newFiber returns a Fiber app that serves HTTP as blog.Serve has net/http
// and Gin serve it: the same limits and timeouts, the same refusals of
// ambiguous requests, Fiber's own errors as the API's JSON, every request
// bounded by blog.RequestTimeout and every answer kept out of caches (see
// noStore in json.go).
func newFiber(mw *fiberadapter.Middleware) *fiber.App {
	api := fiber.New(fiber.Config{
		// Fiber refuses a body over BodyLimit by closing the connection
		// while the client may still be sending, which clients see as a
		// reset rather than a 413. Stream bodies instead, BodyLimit being
		// only what is read ahead, and answer the API's 413 in the
		// handler (see fiberadapter.ReadJSON).
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
		ErrorHandler: func(c fiber.Ctx, err error) error { return mw.ErrorHandler(c, fiberError(c, err)) },
		// Route like net/http and Gin: paths are case-sensitive and a
		// trailing slash names another route.
		CaseSensitive: true,
		StrictRouting: true,
	})
	// Refuse before routing what net/http refuses by itself (ambiguous
	// framing, a missing Host, unknown methods and versions).
	mw.Harden(api)
	// A panic in a handler is a 503, logged by the ErrorHandler, not the
	// end of the process (fasthttp does not recover handlers' panics, as
	// net/http does).
	api.Use(recover.New(), refuseChunked(mw), bounded, noStore)
	return api
}

// serve listens on addr and serves api until ctx is done, then shuts down
// gracefully. ready, when set, learns the address once the server accepts
// connections.
func serve(ctx context.Context, api *fiber.App, addr string, log *slog.Logger, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", "http://"+ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- api.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := api.ShutdownWithContext(shutdown); err != nil {
		return err
	}
	return <-done
}

// fiberError maps those of Fiber's own errors the API answers in its own
// words (a path or method no route serves, body or headers too large);
// the adapter's ErrorHandler answers the others, never with their text.
func fiberError(c fiber.Ctx, err error) error {
	var fe *fiber.Error
	if !errors.As(err, &fe) {
		return err
	}
	switch fe.Code {
	case fiber.StatusNotFound, fiber.StatusMethodNotAllowed:
		// A method the path does not take is the API's 404 on every
		// framework, without the Allow header Fiber set for its 405.
		c.Response().Header.Del(fiber.HeaderAllow)
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

// bounded gives the request's context a deadline of blog.RequestTimeout,
// as blog.Serve does for net/http and Gin.
func bounded(c fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.Context(), blog.RequestTimeout)
	defer cancel()
	c.SetContext(ctx)
	return c.Next()
}
