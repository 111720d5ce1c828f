package fiberadapter

import (
	"bytes"
	"errors"
	"net/http"
	"slices"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// Harden makes app's server refuse, before Fiber routes them, the requests
// that net/http refuses and fasthttp lets through, each of which two HTTP
// implementations can read differently — the ground of request smuggling
// behind a proxy:
//
//   - an HTTP version other than 1.0 and 1.1: 505;
//   - a method app does not know (fiber.Config.RequestMethods): 501, as
//     JSON, where Fiber answers in plain text before any middleware runs;
//   - an HTTP/1.1 request without exactly one Host header, and a header
//     whose name is not an RFC 9110 token (a space before the colon, as
//     in "Transfer-Encoding : chunked"): 400;
//   - a Transfer-Encoding other than a single "chunked": 501;
//   - Content-Length and Transfer-Encoding together (RFC 9112 §6.1): 400.
//
// Each refusal is written by the ErrorWriter and closes the connection, so
// that no byte after the refused head is read as another request. Harden
// also keeps request contents out of fasthttp's own error messages, which
// otherwise quote the request, credentials included (see ErrorHandler).
// Call it once, after fiber.New and before app.Listener.
func (m *Middleware) Harden(app *fiber.App) {
	srv := app.Server()
	srv.SecureErrorLogMessage = true
	methods := app.Config().RequestMethods
	next := srv.Handler
	srv.Handler = func(fctx *fasthttp.RequestCtx) {
		e := checkFraming(&fctx.Request.Header, methods)
		if e == nil {
			next(fctx)
			return
		}
		fctx.SetConnectionClose()
		c := app.AcquireCtx(fctx)
		defer app.ReleaseCtx(c)
		_ = m.refuse(c, e)
	}
}

// checkFraming returns the refusal of a request whose head Harden
// refuses, or nil.
func checkFraming(h *fasthttp.RequestHeader, methods []string) *guard.Error {
	malformed := func(message string) *guard.Error { return guard.BadRequest(message) }
	switch proto := h.Protocol(); {
	case bytes.Equal(proto, []byte("HTTP/1.1")), bytes.Equal(proto, []byte("HTTP/1.0")):
	default:
		return &guard.Error{Status: http.StatusHTTPVersionNotSupported, Code: guard.CodeVersionNotSupported,
			Message: "HTTP/1.1 or HTTP/1.0 only"}
	}
	if !slices.Contains(methods, string(h.Method())) {
		return guard.NotImplemented("unknown method")
	}
	var hosts, lengths int
	var encodings [][]byte
	raw := h.RawHeaders()
	for len(raw) > 0 {
		var line []byte
		line, raw, _ = bytes.Cut(raw, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			continue
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || !isToken(name) {
			return malformed("malformed header")
		}
		switch {
		case bytes.EqualFold(name, []byte("Host")):
			hosts++
		case bytes.EqualFold(name, []byte("Content-Length")):
			lengths++
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			for _, coding := range bytes.Split(value, []byte(",")) {
				encodings = append(encodings, bytes.TrimSpace(coding))
			}
		}
	}
	if len(h.RawHeaders()) == 0 && len(h.Host()) > 0 {
		hosts = 1
	}
	switch {
	case !h.IsHTTP11() && hosts > 1, h.IsHTTP11() && hosts != 1:
		return malformed("an HTTP/1.1 request needs exactly one Host header")
	case len(encodings) > 0 && (len(encodings) > 1 || !bytes.EqualFold(encodings[0], []byte("chunked"))):
		return guard.NotImplemented("unsupported Transfer-Encoding")
	case len(encodings) > 0 && lengths > 0:
		return malformed("Content-Length and Transfer-Encoding together")
	}
	return nil
}

// isToken reports whether name is an RFC 9110 token, as a header name
// must be.
func isToken(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c >= 0x80 || !tokenChars[c] {
			return false
		}
	}
	return true
}

var tokenChars = func() (t [128]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// ErrorHandler is a fiber.Config.ErrorHandler that never sends a
// framework's error text: fasthttp's, for a request it could not parse,
// quotes the request, credentials included. Fiber's own errors become the
// guard's JSON refusals with fixed messages — 404 for an unknown route, 405
// for a method the route does not take, 413, 431, 408, 501 — and a request Fiber could not read closes
// its connection. Any other error goes to WriteError. Wrap it to map
// errors of your own first.
func (m *Middleware) ErrorHandler(c fiber.Ctx, err error) error {
	var fe *fiber.Error
	isFiberError := errors.As(err, &fe)
	if !isFiberError || fe.Code != fiber.StatusMethodNotAllowed {
		// Fiber sets Allow for its 405 before the handler runs; an error
		// the application mapped to another answer must not carry it.
		c.Response().Header.Del(fiber.HeaderAllow)
	}
	if !isFiberError {
		return m.WriteError(c, err)
	}
	var e *guard.Error
	switch fe.Code {
	case fiber.StatusNotFound:
		return m.refuse(c, &guard.Error{Status: http.StatusNotFound, Code: guard.CodeNotFound, Message: "no such route", Cause: err})
	case fiber.StatusMethodNotAllowed:
		return m.refuse(c, &guard.Error{Status: http.StatusMethodNotAllowed, Code: guard.CodeMethodNotAllowed,
			Message: "the route does not take this method", Cause: err})
	case fiber.StatusRequestEntityTooLarge:
		e = &guard.Error{Status: http.StatusRequestEntityTooLarge, Code: guard.CodePayloadTooLarge, Message: "the request body is too large"}
	case fiber.StatusRequestHeaderFieldsTooLarge:
		e = &guard.Error{Status: http.StatusRequestHeaderFieldsTooLarge, Code: guard.CodeHeadersTooLarge, Message: "the request headers are too large"}
	case fiber.StatusRequestTimeout:
		e = &guard.Error{Status: http.StatusRequestTimeout, Code: guard.CodeTimeout, Message: "the request took too long to arrive"}
	case fiber.StatusNotImplemented:
		e = guard.NotImplemented("unknown method")
	default:
		if fe.Code >= 500 {
			return m.WriteError(c, err)
		}
		e = guard.BadRequest("malformed request")
	}
	e.Cause = err
	c.Set(fiber.HeaderConnection, "close")
	return m.refuse(c, e)
}
