package blog

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"path"
	"time"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// NotFound is the JSON 404 of a path or method no route serves.
var NotFound = &guard.Error{Status: http.StatusNotFound, Code: guard.CodeNotFound, Message: "no such route"}

// ErrHeadersTooLarge is the 431 of a request whose headers are over the
// 64 KiB the servers read, where the framework lets the API write it
// (Fiber); net/http writes its own.
var ErrHeadersTooLarge = &guard.Error{Status: http.StatusRequestHeaderFieldsTooLarge, Code: guard.CodeHeadersTooLarge,
	Message: "the request headers are over 64 KiB"}

// ErrChunkedBody refuses a request body sent in chunks. The API's bodies
// are small JSON documents, sent with a Content-Length by every client in
// use; a chunked one is refused, and its connection closed, because
// Content-Length and Transfer-Encoding together are the classic way to
// make a proxy and the server see different requests (request smuggling),
// and net/http drops the Content-Length before a handler could tell.
var ErrChunkedBody = &guard.Error{Status: http.StatusBadRequest, Code: guard.CodeInvalidRequest,
	Message: "send the body with a Content-Length; chunked bodies are not accepted"}

// RequestTimeout bounds the work of one request: its context is done after
// it, so that a store that hangs costs a 503 rather than a goroutine held
// for as long as the client waits.
const RequestTimeout = 10 * time.Second

// Serve listens on addr and serves h (a net/http or Gin handler) until ctx
// is done, then shuts down gracefully. Each request's context is bounded by
// RequestTimeout, and every answer is kept out of caches. ready, when set,
// learns the address once the server accepts connections.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: strictHTTP(bounded(noStore(h))),
		// A request's head and body must arrive within 10 s, as Fiber's
		// ReadTimeout has it; an idle connection is closed after a minute.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       10 * time.Second,
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

// strictHTTP refuses a chunked body before authentication (400, then the
// connection is closed: see ErrChunkedBody), as the Fiber example does.
// net/http refuses the rest of what Fiber is hardened against (see
// fiberadapter's Harden) by itself, and the guard answers unknown methods.
func strictHTTP(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
			ErrChunkedBody.WriteTo(w)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// bounded gives every request's context a deadline of RequestTimeout.
func bounded(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), RequestTimeout)
		defer cancel()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// noStore keeps every answer out of caches: what one caller may read is
// not another's, and the API's answers carry credentials.
func noStore(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

// IsCleanPath reports whether p has no "." or ".." segments and no
// repeated slashes (one trailing slash aside). Routers redirect other
// paths to their clean form, or clean them before matching; the API
// answers them 404 instead, so a path means one thing to every layer.
func IsCleanPath(p string) bool {
	clean := path.Clean(p)
	return p == clean || p == clean+"/"
}
