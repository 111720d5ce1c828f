package main

import (
	"net/http"

	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// onlyCleanPaths answers 404 to a path with "." or ".." segments or
// repeated slashes, which ServeMux would redirect to its clean form: the
// API names no route by such a path, so that a path means one thing to
// every layer, the guard's public paths included.
func (s *server) onlyCleanPaths(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !blog.IsCleanPath(r.URL.Path) {
			s.notFound(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}
