package fiberadapter

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v3"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
)

// maxDiscard is how much of a streamed body over endpoint.MaxBodyBytes is
// read and dropped before the 413 is sent.
const maxDiscard = 64 << 20

// Mount registers routes on r (an app or a group), each at its method and
// path with {name} parameters written :name, and GET routes for HEAD too,
// as net/http routes them; each is served by Endpoint: the routes of an
// accountapi.API, say. Authentication is the app's middleware's: use
// Authenticate, with the routes' endpoint.PublicPaths among
// Guard.PublicPaths.
func (m *Middleware) Mount(r fiber.Router, routes ...endpoint.Route) {
	for _, route := range routes {
		methods := []string{route.Method}
		if route.Method == fiber.MethodGet {
			methods = append(methods, fiber.MethodHead)
		}
		r.Add(methods, endpoint.ColonPath(route.Path), m.Endpoint(route.Handler))
	}
}

// Endpoint serves a framework-neutral endpoint: it reads the body (413
// past endpoint.MaxBodyBytes, 415 unless declared as JSON), hands h the
// request with the subject Authenticate stored and the route's
// parameters, and writes h's response as JSON, or its error as WriteError
// does, with Cache-Control: no-store.
//
// Everything it hands h is a copy: fasthttp reuses the buffers Fiber's
// strings point into once the handler returns, and h may keep what it is
// given.
func (m *Middleware) Endpoint(h endpoint.Handler) fiber.Handler {
	return func(c fiber.Ctx) error {
		c.Set(fiber.HeaderCacheControl, "no-store")
		body, err := readJSONBody(c)
		if err != nil {
			return m.WriteError(c, err)
		}
		req := endpoint.Request{Body: body, TLS: c.Secure(), ClientIP: m.clientIP(c), Cookies: map[string]string{}}
		if names := c.Route().Params; len(names) > 0 {
			req.PathValues = make(map[string]string, len(names))
			for _, name := range names {
				req.PathValues[strings.Clone(name)] = m.pathValue(c, name)
			}
		}
		for name, value := range c.Request().Header.Cookies() {
			if _, seen := req.Cookies[string(name)]; !seen {
				req.Cookies[string(name)] = string(value)
			}
		}
		if raw := c.Request().URI().QueryString(); len(raw) > 0 {
			// string(raw) copies: the query outlives the handler.
			req.Query, _ = url.ParseQuery(string(raw))
		}
		req.Subject, _ = SubjectFrom(c)
		resp := h(c.Context(), req)
		if resp.Err != nil {
			return m.WriteError(c, resp.Err)
		}
		var out []byte
		if resp.Body != nil {
			b, err := json.Marshal(resp.Body)
			if err != nil {
				return m.WriteError(c, err)
			}
			out = append(b, '\n')
		}
		for _, ck := range resp.Cookies {
			c.Cookie(fiberCookie(ck))
		}
		if resp.Location != "" {
			c.Set(fiber.HeaderLocation, resp.Location)
		}
		if out == nil {
			return c.SendStatus(resp.Status)
		}
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
		return c.Status(resp.Status).Send(out)
	}
}

// pathValue is the path parameter name, a copy, unescaped as net/http
// and Gin hand them out (decodedParam), or as the client sent it when it
// is not a valid percent-encoding.
func (m *Middleware) pathValue(c fiber.Ctx, name string) string {
	v, ok := decodedParam(c, name)
	if !ok {
		v = c.Params(name)
	}
	return strings.Clone(v)
}

// clientIP is the caller's address as guard.ClientAddress reads it, with
// Guard.TrustedProxies; "" when it is not an IP.
func (m *Middleware) clientIP(c fiber.Ctx) string {
	r := &http.Request{RemoteAddr: c.RequestCtx().RemoteAddr().String(), Header: http.Header{}}
	if len(m.cfg.Guard.TrustedProxies) > 0 {
		for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
			r.Header.Add(fiber.HeaderXForwardedFor, string(v))
		}
	}
	if addr := guard.ClientAddress(r, m.cfg.Guard.TrustedProxies); addr.IsValid() {
		return addr.String()
	}
	return ""
}

// ReadJSON reads the request's body into v strictly, for handlers of the
// application's own: a body over endpoint.MaxBodyBytes is a 413, one not
// declared as JSON a 415, and an empty body, malformed JSON, unknown or
// repeated fields and wrong types are 400s (see endpoint.DecodeJSON). It
// reads streamed bodies (fiber.Config.StreamRequestBody) as well as
// buffered ones. The error is a *guard.Error for WriteError.
func ReadJSON(c fiber.Ctx, v any) error {
	body, err := readJSONBody(c)
	if err != nil {
		return err
	}
	return endpoint.DecodeJSON(body, v)
}

// readJSONBody reads the request's body, declared as JSON when not empty.
func readJSONBody(c fiber.Ctx) ([]byte, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	var contentTypes []string
	for _, ct := range c.Request().Header.PeekAll(fiber.HeaderContentType) {
		contentTypes = append(contentTypes, string(ct))
	}
	return body, endpoint.CheckContentType(contentTypes, body)
}

// readBody reads a request body of at most endpoint.MaxBodyBytes, a copy,
// whether the app streams request bodies or not. Fiber closes the
// connection after answering a body it did not read to the end, and a
// client still sending it then sees a reset instead of the 413: so the
// rest of a streamed body up to maxDiscard is read and dropped first; past
// that the client is not worth waiting for.
func readBody(c fiber.Ctx) ([]byte, error) {
	stream := c.Request().BodyStream()
	if stream == nil {
		body := c.Request().Body()
		if len(body) > endpoint.MaxBodyBytes {
			return nil, endpoint.ErrPayloadTooLarge
		}
		return append([]byte(nil), body...), nil
	}
	body, err := endpoint.ReadBody(stream)
	if errors.Is(err, endpoint.ErrPayloadTooLarge) {
		_, _ = io.CopyN(io.Discard, stream, maxDiscard)
		c.Set(fiber.HeaderConnection, "close")
	}
	return body, err
}

// fiberCookie converts a net/http cookie, as the session manager makes
// them, into Fiber's.
func fiberCookie(ck *http.Cookie) *fiber.Cookie {
	return &fiber.Cookie{
		Name: ck.Name, Value: ck.Value, Path: ck.Path, Domain: ck.Domain,
		MaxAge: ck.MaxAge, Expires: ck.Expires, Secure: ck.Secure, HTTPOnly: ck.HttpOnly,
		SameSite: sameSite(ck.SameSite),
	}
}

func sameSite(s http.SameSite) string {
	switch s {
	case http.SameSiteStrictMode:
		return fiber.CookieSameSiteStrictMode
	case http.SameSiteNoneMode:
		return fiber.CookieSameSiteNoneMode
	}
	return fiber.CookieSameSiteLaxMode
}
