package ginadapter

import (
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// tenantRequest reads a Gin request for a guard.TenantSource.
type tenantRequest struct{ c *gin.Context }

func (r tenantRequest) Host() string                      { return r.c.Request.Host }
func (r tenantRequest) HeaderValues(name string) []string { return r.c.Request.Header.Values(name) }

// PathValue returns the path parameter name decoded once, as net/http's
// ServeMux hands it out, whatever Gin's settings: under UseEscapedPath or
// UseRawPath Gin unescapes parameters by the rules of query strings ("+"
// becomes a space), and not at all without UnescapePathValues. So the
// value is read from the segment of the escaped path at the parameter's
// place in the matched route, and decoded with url.PathUnescape; "" when
// that segment is not a valid percent-encoding. Where the route and the
// path do not line up segment for segment (a catch-all parameter in the
// route, slashes RemoveExtraSlash removed, or a %2F in a path Gin routed
// decoded), Gin's own value stands: it is the one Gin routed by.
func (r tenantRequest) PathValue(name string) string {
	value := r.c.Param(name)
	route := strings.Split(r.c.FullPath(), "/")
	at := slices.Index(route, ":"+name)
	segments := strings.Split(r.c.Request.URL.EscapedPath(), "/")
	if at < 0 || len(segments) != len(route) || slices.ContainsFunc(route, catchAll) {
		return value
	}
	decoded, err := url.PathUnescape(segments[at])
	if err != nil {
		return ""
	}
	return decoded
}

// catchAll reports whether a segment of a Gin route is a catch-all
// parameter, "*name", which matches several segments of a path.
func catchAll(segment string) bool { return strings.HasPrefix(segment, "*") }
