// To guard Fiber v3 routes, build a Middleware with New from a
// guard.Config, use Authenticate on the app, and put a requirement such as
// RequirePermission before each protected handler. Endpoints written
// without a framework, such as the account API of package accountapi, go
// on the app or a group in one line with mw.Mount(app, routes...). Package
// stack builds everything behind them from one database: the guard.Config
// (Stack.Guard) and the account API's routes (Stack.Routes). Package
// fiberadapter puts gatehouse in front of Fiber v3 handlers: every guard is
// a fiber.Handler that answers a refusal itself and stops the chain.
//
//	api, err := accountapi.New(accountapi.Config{Accounts: accounts, Users: directory, Engine: engine})
//	mw, err := fiberadapter.New(fiberadapter.Config{Guard: guard.Config{
//		Authenticator: accounts.Authenticator(), Engine: engine,
//		PublicPaths: append(api.PublicPaths(), "/healthz"), // login, registration, refresh, health
//	}})
//	app := fiber.New(fiber.Config{ErrorHandler: mw.ErrorHandler})
//	app.Use(mw.Authenticate())
//	mw.Mount(app, api.Routes()...) // /auth/login, /auth/refresh, /me, /api-keys, …
//	app.Get("/admin/users", mw.RequirePermission(permissions.UsersRead), listUsers)
//
// Fiber runs a route's handlers in the order they are given: put the guard
// before the handler it protects. Handlers find the subject with SubjectFrom(c) (or
// authn.FromContext(c.Context())). Refusals are JSON {"error": code,
// "message": text} with the statuses and headers of package guard;
// Config.ErrorWriter replaces the writer.
//
// # Hardening
//
// fasthttp is more lenient than net/http and quotes requests in its
// errors. Harden makes the server refuse ambiguous requests before Fiber
// routes them (request smuggling), ErrorHandler answers Fiber's own errors
// without their text, and Fiber's recover middleware, first in the chain,
// turns a handler's panic into an error that ErrorHandler answers with a
// logged 503, where fasthttp would let it end the process:
//
//	app := fiber.New(fiber.Config{ErrorHandler: mw.ErrorHandler})
//	mw.Harden(app)
//	app.Use(recover.New(), mw.Authenticate())
//
// # Tenants
//
// Under a model with tenants, Guard.Tenant (guard.TenantFromPath("org")
// for routes such as "/orgs/:org/posts") makes every guarded route admit
// only members of the request's tenant — others get 404 — and decide in
// it; handlers find the tenant with Tenant(c), a copy they may keep. A
// nested tenant travels in a path parameter with its "/" escaped,
// "/orgs/acme%2Feu/posts": Fiber routes on the path as the client sent it
// and hands out c.Params("org") undecoded ("acme%2Feu"), and the adapter
// decodes the tenant once, as net/http does, so that acme%252Feu names
// the tenant "acme%2Feu", not acme/eu; a parameter that is not a valid
// percent-encoding names no tenant (404). Leave the app's UnescapePath off,
// its default: under it Fiber decodes the path before routing, where %2F
// splits the segment and "+" reads as a space, and the adapter takes the
// parameters as Fiber decoded them.
//
// # Fiber's reused memory
//
// Fiber (fasthttp) hands out strings that alias its request buffers:
// c.Params, c.Get, c.Cookies, c.Query, c.IP and c.Body return memory that
// the next request on the connection overwrites once the handler has
// returned. gatehouse is safe with them as they are: this adapter copies
// the credentials it hands to authn, and authz, authn and watch copy every
// string they keep beyond a call, so a handler may pass c.Params("id")
// straight to Engine.AssignRole, without Fiber's Immutable setting.
// Application code must do the same for what it keeps itself: copy a
// value (strings.Clone, or Fiber's utils.CopyString) before storing it in a
// map, a cache, a struct that outlives the request or a goroutine. A
// resource loader given to RequireOwnership returns values the handler
// reads after the guard: give them strings of your own (from your
// database), not Fiber's.
package fiberadapter
