package main

import (
	"encoding/json"
	"net/http"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/examples/internal/blog"
)

// errNoRoute is the JSON 404 of a path or method no route serves.
var errNoRoute = &guard.Error{Status: http.StatusNotFound, Code: guard.CodeNotFound, Message: "no such route"}

// notFound answers a path or method no route serves.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) { s.fail(w, r, errNoRoute) }

// onlyCleanPaths answers 404 to a path with "." or ".." segments or
// repeated slashes, which ServeMux would redirect elsewhere: /orgs/../admin
// names no organization, and no route.
func (s *server) onlyCleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !blog.IsCleanPath(r.URL.Path) {
			s.fail(w, r, errNoRoute)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// decode reads the request's JSON body into v strictly: 413, 415 or 400
// for a body it cannot take (see httpadapter.ReadJSON). When it reports
// false it has written the refusal.
func (s *server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := httpadapter.ReadJSON(w, r, v); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

// writeJSON writes body as JSON with status.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// fail writes err as the API's JSON error, {"error": CODE, "message":
// TEXT}: gatehouse's errors as the adapter answers them (400 for a
// malformed name, 404, 409, 503), the API's own *guard.Error as they are.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.platform.WriteError(w, r, err)
}
