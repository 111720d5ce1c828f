package fiberadapter

import "github.com/gofiber/fiber/v3"

// credentials reads a Fiber request for authn. Fiber returns strings that
// alias its request buffer, valid only during the handler; authenticators
// use them within the call, and anything they keep (a subject id) comes
// from their own store.
type credentials struct{ c fiber.Ctx }

func (r credentials) Header(name string) string { return r.c.Get(name) }

func (r credentials) Cookie(name string) (string, bool) {
	v := r.c.Cookies(name)
	return v, v != ""
}

func (r credentials) Method() string { return r.c.Method() }

// HeaderValues and CookieValues copy, so that the guard may compare them
// whatever Fiber does with its buffers meanwhile.
func (r credentials) HeaderValues(name string) []string {
	var values []string
	for _, v := range r.c.Request().Header.PeekAll(name) {
		values = append(values, string(v))
	}
	return values
}

func (r credentials) CookieValues(name string) []string {
	var values []string
	for k, v := range r.c.Request().Header.Cookies() {
		if string(k) == name {
			values = append(values, string(v))
		}
	}
	return values
}
