// To guard Gin routes, build a Middleware with New from a guard.Config,
// use Authenticate on the engine, and put a requirement such as
// RequirePermission before each protected handler. Endpoints written
// without a framework, such as the account API of package accountapi, go
// on the engine or a group in one line with mw.Mount(r, routes...). Package
// stack builds everything behind them from one database: the guard.Config
// (Stack.Guard) and the account API's routes (Stack.Routes). Package
// ginadapter puts gatehouse in front of Gin handlers: every guard is a
// gin.HandlerFunc that aborts the chain with a JSON refusal.
//
//	api, err := accountapi.New(accountapi.Config{Accounts: accounts, Users: directory, Engine: engine})
//	mw, err := ginadapter.New(ginadapter.Config{Guard: guard.Config{
//		Authenticator: accounts.Authenticator(), Engine: engine,
//		PublicPaths: append(api.PublicPaths(), "/healthz"), // login, registration, refresh, health
//	}})
//	r := gin.New()
//	r.Use(mw.Authenticate())
//	mw.Mount(r, api.Routes()...) // /auth/login, /auth/refresh, /me, /api-keys, …
//	r.GET("/admin/users", mw.RequirePermission(permissions.UsersRead), listUsers)
//
// Under a model with tenants, Guard.Tenant (guard.TenantFromPath("org")
// for routes such as "/orgs/:org/posts") makes every guarded route admit
// only members of the request's tenant — others get 404 — and decide in
// it; handlers find the tenant with Tenant(c). A nested tenant travels in a
// path parameter with its "/" escaped, "/orgs/acme%2Feu/posts", which Gin
// routes only with the engine's UseEscapedPath set: by default it routes
// on the decoded path, where %2F splits the segment and the request
// matches no route. The adapter reads the tenant from the escaped path and
// decodes it once, as net/http does, whatever UnescapePathValues says and
// with "+" a plus (Gin's c.Param reads it as a space there): use Tenant(c),
// not c.Param, in handlers.
//
//	r := gin.New()
//	r.UseEscapedPath = true // "/orgs/acme%2Feu/posts" names acme/eu
//
// Handlers find the subject with SubjectFrom(c) (or authn.FromContext on
// c.Request.Context()). Refusals are JSON {"error": code, "message": text}
// with the statuses and headers of package guard; Config.ErrorWriter
// replaces the writer.
package ginadapter
