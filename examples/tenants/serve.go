package main

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
)

// requestTimeout bounds the work of one request.
const requestTimeout = 10 * time.Second

// serve listens on addr and serves h until ctx is done, then shuts down
// gracefully. Every answer is kept out of caches: what one caller may
// read is not another's.
func serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
			defer cancel()
			w.Header().Set("Cache-Control", "no-store")
			h.ServeHTTP(w, r.WithContext(ctx))
		}),
		ReadHeaderTimeout: requestTimeout,
		ReadTimeout:       requestTimeout,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("listening", "addr", "http://"+ln.Addr().String())
	if ready != nil {
		ready(ln.Addr().String())
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// errNoRoute is the JSON 404 of a path or method no route serves.
var errNoRoute = &guard.Error{Status: http.StatusNotFound, Code: guard.CodeNotFound, Message: "no such route"}

// notFound answers a path or method no route serves.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) { s.fail(w, r, errNoRoute) }

// onlyCleanPaths answers 404 to a path with "." or ".." segments or
// repeated slashes, which ServeMux would redirect elsewhere: /orgs/../admin
// names no organization, and no route.
func (s *server) onlyCleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if clean := path.Clean(r.URL.Path); r.URL.Path != clean && r.URL.Path != clean+"/" {
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
