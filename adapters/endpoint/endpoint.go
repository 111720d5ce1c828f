package endpoint

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
)

// Handler is an endpoint: it answers one request. It runs after the
// adapter authenticated the request and read its body.
type Handler func(ctx context.Context, r Request) Response

// Route is an endpoint with the method and path it is mounted at. Path is
// a pattern in net/http's form, with {name} for a path parameter
// ("/api-keys/{id}"); adapters translate it for their router.
type Route struct {
	Method string
	Path   string
	// Public routes are reached without credentials: the application's
	// authentication middleware must let them through whatever the request
	// carries (a stale token must not stop a login). Pattern gives the
	// entry for guard.Config.PublicPaths.
	Public  bool
	Handler Handler
}

// Pattern returns "METHOD PATH", as guard.Config.PublicPaths and
// net/http's ServeMux take it.
func (r Route) Pattern() string { return r.Method + " " + r.Path }

// PublicPaths returns the patterns of the public routes among routes, for
// guard.Config.PublicPaths.
func PublicPaths(routes []Route) []string {
	var out []string
	for _, r := range routes {
		if r.Public {
			out = append(out, r.Pattern())
		}
	}
	return out
}

// Request is what an endpoint gets of an HTTP request. Adapters copy
// every string and byte they put in it, so a handler may keep any of it.
type Request struct {
	// Subject is the authenticated caller, zero for an anonymous one.
	Subject authn.Subject
	// Body is the request body, at most MaxBodyBytes, declared as JSON
	// when not empty.
	Body []byte
	// TLS reports whether the request came over TLS, which decides
	// whether cookies are Secure.
	TLS bool
	// ClientIP is the caller's address as the adapter's ClientAddress
	// reads it, "" when it is not an IP. Login throttling counts by it.
	ClientIP string
	// PathValues are the route's path parameters by name.
	PathValues map[string]string
	// Cookies are the request's cookies by name; of a name sent twice, the
	// first.
	Cookies map[string]string
	// Query holds the query parameters, every value of each, as
	// url.ParseQuery reads them (pairs it cannot read are left out); nil
	// when there are none.
	Query url.Values
}

// Param returns the path parameter name, "" when there is none.
func (r Request) Param(name string) string { return r.PathValues[name] }

// CookieValue returns the value of the cookie name, "" when there is none.
func (r Request) CookieValue(name string) string { return r.Cookies[name] }

// CookieMap returns cookies by name, the first of a name sent twice.
func CookieMap(cookies []*http.Cookie) map[string]string {
	out := make(map[string]string, len(cookies))
	for _, c := range cookies {
		if _, seen := out[c.Name]; !seen {
			out[c.Name] = c.Value
		}
	}
	return out
}

// Response is an endpoint's answer. When Err is set the adapter writes it
// as the JSON error of package guard (through guard.ErrorFor, so a
// *guard.Error keeps its status and an authn error gets its usual one) and
// ignores the rest; otherwise it writes Cookies and Location, then Status
// with Body as JSON, or no body when Body is nil.
type Response struct {
	Status  int
	Body    any
	Cookies []*http.Cookie
	// Location, when set, is the Location header: the target of a
	// redirect (see Redirect).
	Location string
	Err      error
}

// Redirect is the 303 See Other response to location: the browser follows
// it with a GET, whatever the request's method.
func Redirect(location string, cookies ...*http.Cookie) Response {
	return Response{Status: http.StatusSeeOther, Location: location, Cookies: cookies}
}

// JSON is a response of status with body written as JSON.
func JSON(status int, body any) Response { return Response{Status: status, Body: body} }

// NoContent is the 204 response.
func NoContent() Response { return Response{Status: http.StatusNoContent} }

// Fail is the response of err.
func Fail(err error) Response { return Response{Err: err} }

// Params returns the names of the {name} parameters of a route's path, in
// order.
func Params(path string) []string {
	var names []string
	for _, segment := range strings.Split(path, "/") {
		if strings.HasPrefix(segment, "{") && strings.HasSuffix(segment, "}") {
			names = append(names, strings.TrimSuffix(strings.TrimPrefix(segment, "{"), "}"))
		}
	}
	return names
}

// ColonPath returns path with {name} parameters written :name, as Gin and
// Fiber route them.
func ColonPath(path string) string {
	segments := strings.Split(path, "/")
	for i, s := range segments {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segments[i] = ":" + strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
		}
	}
	return strings.Join(segments, "/")
}
