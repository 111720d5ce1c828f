package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// decode reads the request's JSON body into v strictly: a body over
// endpoint.MaxBodyBytes is a 413, one not declared as JSON a 415, and
// malformed JSON, unknown or repeated fields and wrong types are 400s
// (see endpoint.DecodeJSON), where Gin's binding would take the last of
// two fields and ignore unknown ones. When it reports false it has written
// the refusal, and the handler returns.
func (s *server) decode(c *gin.Context, v any) bool {
	body, err := endpoint.ReadBody(http.MaxBytesReader(c.Writer, c.Request.Body, endpoint.MaxBodyBytes))
	if err == nil {
		err = endpoint.CheckContentType(c.Request.Header.Values("Content-Type"), body)
	}
	if err == nil {
		err = endpoint.DecodeJSON(body, v)
	}
	if err != nil {
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
