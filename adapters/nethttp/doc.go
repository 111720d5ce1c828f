// Package httpadapter puts gatehouse in front of net/http handlers, in the
// standard library's own shape: every guard is a func(http.Handler)
// http.Handler.
//
//	mw, err := httpadapter.New(httpadapter.Config{Guard: guard.Config{
//		Authenticator: accounts.Authenticator(), Engine: engine,
//		PublicPaths: []string{"/healthz", "/auth/*"},
//	}})
//	mux.Handle("GET /admin/users", mw.RequirePermission(permissions.UsersRead)(listUsers))
//	http.ListenAndServe(addr, mw.Authenticate(mux))
//
// Authenticate puts the subject in the request's context, where handlers
// find it with authn.FromContext (or SubjectFrom). Refusals are JSON
// {"error": code, "message": text} with the statuses and headers of package
// guard; Config.ErrorWriter replaces the writer.
package httpadapter
