package main

import (
	"github.com/gofiber/fiber/v3"

	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// fail writes err as the API's JSON error: the blog's refusals with their
// status (see blog.HTTPError), gatehouse's as the adapter answers them
// (401, 403, 429, 503).
func (s *server) fail(c fiber.Ctx, err error) error {
	return s.mw.WriteError(c, blog.HTTPError(err))
}

// noStore keeps every answer out of caches: what one caller may read is
// not another's.
func noStore(c fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}
