package main

import (
	"encoding/json"
	"net/http"

	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// decode reads the request's JSON body into v strictly (see
// httpadapter.ReadJSON: 413, 415 or 400 for a body it cannot take). When
// it reports false it has written the refusal, and the handler returns.
func (s *server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := httpadapter.ReadJSON(w, r, v); err != nil {
		s.mw.WriteError(w, r, err)
		return false
	}
	return true
}

// writeJSON writes body as JSON with status. (blog.Serve keeps every
// answer out of caches.)
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// fail writes err as the API's JSON error: the blog's refusals with their
// status (see blog.HTTPError), gatehouse's as the adapter answers them
// (401, 403, 429, 503).
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.mw.WriteError(w, r, blog.HTTPError(err))
}

// notFound is the JSON 404 of a path or method no route serves.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.mw.WriteError(w, r, blog.NotFound)
}
