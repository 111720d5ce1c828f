package main

import (
	"github.com/gofiber/fiber/v3"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// decode reads the request's JSON body into v strictly: a body over
// endpoint.MaxBodyBytes is a 413, one not declared as JSON a 415, and
// malformed JSON, unknown or repeated fields and wrong types are 400s
// (see endpoint.DecodeJSON). It returns the refusal for the handler to
// write.
func decode(c fiber.Ctx, v any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	var contentTypes []string
	for _, ct := range c.Request().Header.PeekAll(fiber.HeaderContentType) {
		contentTypes = append(contentTypes, string(ct))
	}
	if err := endpoint.CheckContentType(contentTypes, body); err != nil {
		return err
	}
	return endpoint.DecodeJSON(body, v)
}

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
