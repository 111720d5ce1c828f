package guard_test

import (
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn/token"
)

// A middleware in front of many routes asks ModeFor how to authenticate
// each request. PublicPaths entries are exact paths, prefixes ending in
// "/*", or either after a method, as net/http's ServeMux patterns are
// written: "POST /auth/session" lets a browser log in whatever cookie it
// still holds, while logging out (DELETE) needs that cookie. Paths are
// cleaned first, so ".." cannot climb out of a public prefix.
func ExampleGuard_ModeFor() {
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})
	g, err := guard.New(guard.Config{
		Authenticator: tokens.Authenticator(), // accounts.Authenticator() in an application
		PublicPaths:   []string{"/healthz", "/docs/*", "POST /auth/session", "GET /status"},
		OptionalPaths: []string{"GET /posts"},
	})
	if err != nil {
		log.Fatal(err)
	}
	modes := map[guard.Mode]string{guard.Required: "required", guard.Optional: "optional", guard.Skip: "skip"}
	for _, r := range []struct{ method, path string }{
		{"GET", "/healthz"},
		{"POST", "/auth/session"},
		{"DELETE", "/auth/session"},
		{"GET", "/docs/intro"},
		{"GET", "/docs"},
		{"GET", "/docs/../admin"},
		{"HEAD", "/status"},
		{"GET", "/posts"},
		{"GET", "/admin/users"},
	} {
		fmt.Printf("%-6s %-14s %s\n", r.method, r.path, modes[g.ModeFor(r.method, r.path)])
	}
	// Output:
	// GET    /healthz       skip
	// POST   /auth/session  skip
	// DELETE /auth/session  required
	// GET    /docs/intro    skip
	// GET    /docs          required
	// GET    /docs/../admin required
	// HEAD   /status        skip
	// GET    /posts         optional
	// GET    /admin/users   required
}
