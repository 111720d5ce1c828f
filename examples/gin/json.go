package main

import (
	"github.com/gin-gonic/gin"

	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// decode reads the request's JSON body into v strictly (see
// ginadapter.ReadJSON: 413, 415 or 400 for a body it cannot take, where
// Gin's binding would take the last of two fields and ignore unknown
// ones). When it reports false it has written the refusal, and the
// handler returns.
func (s *server) decode(c *gin.Context, v any) bool {
	if err := ginadapter.ReadJSON(c, v); err != nil {
		s.mw.WriteError(c, err)
		return false
	}
	return true
}

// fail writes err as the API's JSON error: the blog's refusals with their
// status (see blog.HTTPError), gatehouse's as the adapter answers them
// (401, 403, 429, 503).
func (s *server) fail(c *gin.Context, err error) {
	s.mw.WriteError(c, blog.HTTPError(err))
}

// notFound is the JSON 404 of a path or method no route serves.
func (s *server) notFound(c *gin.Context) {
	s.mw.WriteError(c, blog.NotFound)
}
