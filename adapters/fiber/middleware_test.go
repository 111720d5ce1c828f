package fiberadapter_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"

	"github.com/gatehouse-go/gatehouse/adapters/adaptertest"
	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// fiberPath turns "/posts/{id}" into Fiber's "/posts/:id".
func fiberPath(p string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(p)
}

// build mounts the conformance suite's routes on a Fiber app of the
// default configuration.
func build(t *testing.T, f *adaptertest.Fixture) adaptertest.App {
	return buildWith(t, f, fiber.Config{})
}

// buildWith is build on an app of configuration appConfig, whose
// ErrorHandler it sets.
func buildWith(t *testing.T, f *adaptertest.Fixture, appConfig fiber.Config) adaptertest.App {
	cfg := fiberadapter.Config{Guard: f.Guard}
	if f.CustomErrors {
		cfg.ErrorWriter = func(c fiber.Ctx, e *guard.Error) error {
			c.Set("X-Custom-Error", e.Code)
			c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
			return c.Status(e.Status).Send(adaptertest.CustomErrorBody(e))
		}
	}
	mw, err := fiberadapter.New(cfg)
	require.NoError(t, err)

	appConfig.ErrorHandler = mw.ErrorHandler
	app := fiber.New(appConfig)
	// Fiber answers unknown methods itself, in plain text, before any
	// middleware: Harden answers them as the guard does elsewhere.
	mw.Harden(app)
	app.Use(mw.Authenticate())
	mw.Mount(app, adaptertest.Endpoints(f)...)
	for _, route := range f.Routes() {
		handler := func(c fiber.Ctx) error {
			if route.Throttled {
				return mw.WriteError(c, &authn.ThrottledError{RetryAfter: 90 * time.Second})
			}
			if route.Edit != "" {
				// Fiber's own strings, aliasing its request buffer.
				if err := f.Edit(c.Context(), route.Edit, c.Params("org"), c.Params("subject"), c.Params("name")); err != nil {
					return mw.WriteError(c, err)
				}
				return c.SendStatus(http.StatusNoContent)
			}
			var reply adaptertest.Reply
			if s, ok := fiberadapter.SubjectFrom(c); ok {
				f.Remember(s)
				reply.Subject, reply.Method = s.ID, string(s.Method)
			}
			if tenant, ok := fiberadapter.Tenant(c); ok {
				f.RememberTenant(tenant)
				reply.Tenant = tenant
			}
			if route.Owner != "" {
				post, ok := fiberadapter.Loaded[adaptertest.Post](c)
				require.True(t, ok)
				reply.Post = post.ID
			}
			if route.Filter != "" {
				filter, ok, err := mw.Filter(c, route.Filter)
				if !ok {
					return err
				}
				reply.Filter, reply.Tenant = filter.Kind.String(), filter.Tenant
			}
			return c.JSON(reply)
		}
		// Fiber runs a route's handlers in the order given: guard first.
		var chain []any
		switch {
		case route.Require != nil:
			chain = append(chain, mw.Require(*route.Require))
		case route.Owner != "":
			chain = append(chain, mw.RequireOwnership(route.Owner, func(c fiber.Ctx) (guard.Loaded, error) {
				return f.LoadPost(c.Context(), c.Params("id"))
			}))
		}
		chain = append(chain, handler)
		app.Add([]string{route.Method}, fiberPath(route.Path), chain[0], chain[1:]...)
	}
	return func(req *http.Request) (*http.Response, error) {
		return app.Test(req, fiber.TestConfig{Timeout: 10 * time.Second})
	}
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, build)
}
