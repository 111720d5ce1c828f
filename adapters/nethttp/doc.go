// To guard net/http routes, build a Middleware with New from a
// guard.Config, wrap the mux in Authenticate, and wrap each protected
// handler in a requirement such as RequirePermission. Endpoints written
// without a framework, such as the account API of package accountapi, go
// on the mux in one line with mw.Mount(mux, routes...). Package stack
// builds everything behind them from one database: the guard.Config
// (Stack.Guard) and the account API's routes (Stack.Routes). Package
// httpadapter, in the folder adapters/nethttp, puts gatehouse in front of
// net/http handlers in the standard library's own shape: every guard is a
// func(http.Handler) http.Handler.
//
//	api, err := accountapi.New(accountapi.Config{Accounts: accounts, Users: directory, Engine: engine})
//	mw, err := httpadapter.New(httpadapter.Config{Guard: guard.Config{
//		Authenticator: accounts.Authenticator(), Engine: engine,
//		PublicPaths: append(api.PublicPaths(), "/healthz"), // login, registration, refresh, health
//	}})
//	mux := http.NewServeMux()
//	mw.Mount(mux, api.Routes()...) // /auth/login, /auth/refresh, /me, /api-keys, …
//	mux.Handle("GET /admin/users", mw.RequirePermission(permissions.UsersRead)(listUsers))
//	http.ListenAndServe(addr, mw.Authenticate(mux))
//
// Under a model with tenants, Guard.Tenant (guard.TenantFromPath("org"),
// say) makes every guarded route admit only members of the request's
// tenant — others get 404 — and decide in it; handlers find the tenant
// with Tenant. ServeMux matches patterns on the escaped path and decodes
// each parameter once, so a nested tenant is named with its "/" escaped,
// "/orgs/acme%2Feu/posts" for acme/eu, with no setting.
//
// Authenticate puts the subject in the request's context, where handlers
// find it with authn.FromContext (or SubjectFrom). Refusals are JSON
// {"error": code, "message": text} with the statuses and headers of package
// guard; Config.ErrorWriter replaces the writer.
package httpadapter
