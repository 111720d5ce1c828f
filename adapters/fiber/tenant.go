package fiberadapter

import (
	"net/url"

	"github.com/gofiber/fiber/v3"
)

// tenantRequest reads a Fiber request for a guard.TenantSource. Its
// strings alias Fiber's request buffer; the guard copies the tenant it
// finds before keeping it.
type tenantRequest struct{ credentials }

func (r tenantRequest) Host() string { return string(r.c.Request().Host()) }

// PathValue returns the path parameter name decoded once, as net/http's
// ServeMux hands it out; "" when it is not a valid percent-encoding, which
// net/http's server would have refused before any handler.
func (r tenantRequest) PathValue(name string) string {
	v, _ := decodedParam(r.c, name)
	return v
}

// decodedParam returns the path parameter name decoded once, and whether
// it could be: Fiber routes on the path as the client sent it and hands
// out its parameters undecoded, unless the app sets UnescapePath, under
// which Fiber has decoded the whole path before routing and a second
// decoding would read "%252F" as "/". The value may alias Fiber's buffer.
func decodedParam(c fiber.Ctx, name string) (string, bool) {
	v := c.Params(name)
	if c.App().Config().UnescapePath {
		return v, true
	}
	decoded, err := url.PathUnescape(v)
	if err != nil {
		return "", false
	}
	return decoded, true // v itself when there was nothing to decode
}
