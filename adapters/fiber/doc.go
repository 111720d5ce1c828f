// Package fiberadapter puts gatehouse in front of Fiber v3 handlers: every
// guard is a fiber.Handler that answers a refusal itself and stops the
// chain.
//
//	mw, err := fiberadapter.New(fiberadapter.Config{Guard: guard.Config{
//		Authenticator: accounts.Authenticator(), Engine: engine,
//		PublicPaths: []string{"/healthz", "/auth/*"},
//	}})
//	app := fiber.New()
//	app.Use(mw.Authenticate())
//	app.Get("/admin/users", mw.RequirePermission(permissions.UsersRead), listUsers)
//
// Fiber runs a route's handlers in the order they are given: put the guard
// before the handler it protects. Handlers find the subject with SubjectFrom(c) (or
// authn.FromContext(c.Context())). Refusals are JSON {"error": code,
// "message": text} with the statuses and headers of package guard;
// Config.ErrorWriter replaces the writer.
package fiberadapter
