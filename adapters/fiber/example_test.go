package fiberadapter_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http/httptest"

	"github.com/gofiber/fiber/v3"

	fiberadapter "github.com/gatehouse-go/gatehouse/adapters/fiber"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

func Example() {
	ctx := context.Background()
	engine, _ := authz.New(ctx) // the default policy
	_ = engine.AssignRole(ctx, "carol", "moderator")
	key, _ := token.HS256("k1", []byte("an example secret of at least 32 bytes!"))
	tokens, _ := token.New(token.Config{Issuer: "example", Keys: []token.Key{key}})

	mw, err := fiberadapter.New(fiberadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		PublicPaths:   []string{"/healthz"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	app := fiber.New()
	app.Use(mw.Authenticate())
	// Fiber runs a route's handlers in order: the guard goes first.
	app.Get("/admin/users", mw.RequirePermission(permissions.UsersRead), func(c fiber.Ctx) error {
		s, _ := fiberadapter.SubjectFrom(c)
		return c.SendString("users, for " + s.ID)
	})

	carol, _ := tokens.Issue(ctx, "carol")
	bob, _ := tokens.Issue(ctx, "bob")
	for _, auth := range []string{"", "Bearer " + bob.Value.Reveal(), "Bearer " + carol.Value.Reveal()} {
		req := httptest.NewRequest("GET", "/admin/users", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := app.Test(req)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		fmt.Print(resp.StatusCode, " ", string(body))
	}
	// Output:
	// 401 {"error":"unauthorized","message":"authentication required"}
	// 403 {"error":"forbidden","message":"you may not users:read"}
	// 200 users, for carol
}
