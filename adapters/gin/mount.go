package ginadapter

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gatehouse-go/gatehouse/adapters/endpoint"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn"
)

// Mount registers routes on r (an engine or a group), each at its method
// and path with {name} parameters written :name, and GET routes for HEAD
// too, as net/http routes them; each is served by Endpoint: the routes of
// an accountapi.API, say. Authentication is r's middleware's: use
// Authenticate, with the routes' endpoint.PublicPaths among
// Guard.PublicPaths.
func (m *Middleware) Mount(r gin.IRoutes, routes ...endpoint.Route) {
	for _, route := range routes {
		path := endpoint.ColonPath(route.Path)
		r.Handle(route.Method, path, m.Endpoint(route.Handler))
		if route.Method == http.MethodGet {
			r.Handle(http.MethodHead, path, m.Endpoint(route.Handler))
		}
	}
}

// Endpoint serves a framework-neutral endpoint: it reads the body (413
// past endpoint.MaxBodyBytes, 415 unless declared as JSON), hands h the
// request with the subject Authenticate stored and the route's
// parameters, and writes h's response as JSON, or its error as WriteError
// does, with Cache-Control: no-store.
func (m *Middleware) Endpoint(h endpoint.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Header("Cache-Control", "no-store")
		body, err := readBody(c)
		if err != nil {
			m.WriteError(c, err)
			return
		}
		req := endpoint.Request{Body: body, TLS: c.Request.TLS != nil, Cookies: endpoint.CookieMap(c.Request.Cookies())}
		if raw := c.Request.URL.RawQuery; raw != "" {
			req.Query, _ = url.ParseQuery(raw)
		}
		if len(c.Params) > 0 {
			// Gin reuses its Context, Params included, once the handler
			// returns: copy them.
			req.PathValues = make(map[string]string, len(c.Params))
			for _, p := range c.Params {
				req.PathValues[p.Key] = strings.Clone(p.Value)
			}
		}
		if addr := guard.ClientAddress(c.Request, m.cfg.Guard.TrustedProxies); addr.IsValid() {
			req.ClientIP = addr.String()
		}
		req.Subject, _ = authn.FromContext(c.Request.Context())
		resp := h(c.Request.Context(), req)
		if resp.Err != nil {
			m.WriteError(c, resp.Err)
			return
		}
		var out []byte
		if resp.Body != nil {
			b, err := json.Marshal(resp.Body)
			if err != nil {
				m.WriteError(c, err)
				return
			}
			out = append(b, '\n')
		}
		for _, ck := range resp.Cookies {
			http.SetCookie(c.Writer, ck)
		}
		if resp.Location != "" {
			c.Header("Location", resp.Location)
		}
		if out == nil {
			c.Status(resp.Status)
			c.Writer.WriteHeaderNow()
			return
		}
		if c.Request.Method == http.MethodHead {
			c.Header("Content-Type", "application/json; charset=utf-8")
			c.Status(resp.Status)
			c.Writer.WriteHeaderNow()
			return
		}
		c.Data(resp.Status, "application/json; charset=utf-8", out)
	}
}

// ReadJSON reads the request's body into v strictly, for handlers of the
// application's own, where Gin's binding would take the last of two
// fields of one name and ignore unknown ones: a body over
// endpoint.MaxBodyBytes is a 413, one not declared as JSON a 415, and an
// empty body, malformed JSON, unknown or repeated fields and wrong types
// are 400s (see endpoint.DecodeJSON). The error is a *guard.Error for
// WriteError.
func ReadJSON(c *gin.Context, v any) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	return endpoint.DecodeJSON(body, v)
}

// readBody reads the request's body, at most endpoint.MaxBodyBytes,
// declared as JSON when not empty.
func readBody(c *gin.Context) ([]byte, error) {
	body, err := endpoint.ReadBody(http.MaxBytesReader(c.Writer, c.Request.Body, endpoint.MaxBodyBytes))
	if err != nil {
		return nil, err
	}
	return body, endpoint.CheckContentType(c.Request.Header.Values("Content-Type"), body)
}
