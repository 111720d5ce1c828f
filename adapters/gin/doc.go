// Package ginadapter puts gatehouse in front of Gin handlers: every guard is
// a gin.HandlerFunc that aborts the chain with a JSON refusal.
//
//	mw, err := ginadapter.New(ginadapter.Config{Guard: guard.Config{
//		Authenticator: accounts.Authenticator(), Engine: engine,
//		PublicPaths: []string{"/healthz", "/auth/*"},
//	}})
//	r := gin.New()
//	r.Use(mw.Authenticate())
//	r.GET("/admin/users", mw.RequirePermission(permissions.UsersRead), listUsers)
//
// Handlers find the subject with SubjectFrom(c) (or authn.FromContext on
// c.Request.Context()). Refusals are JSON {"error": code, "message": text}
// with the statuses and headers of package guard; Config.ErrorWriter
// replaces the writer.
package ginadapter
