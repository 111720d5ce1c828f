// Package console is the policy console: a web page, mounted in any
// application, where the people who own a policy see it, test it and
// change it — roles with their grants and what they inherit, subjects and
// their roles, the relations on single resources, "why?" for any
// decision, decision tables run against a copy of the policy, and the
// role graph as a picture.
//
// The console is an http.Handler. It decides who may use it with the
// application's own cookie sessions and policy: a visitor needs
// Config.Read (policy:read) to look and Config.Write (policy:write) to
// change anything; others get 403, anonymous visitors the application's
// login page (Config.LoginURL) or 401. Pages are rendered on the server
// (html/template) with a stylesheet of their own and no script; every
// form that changes something carries the session's CSRF token; the
// Content-Security-Policy allows nothing from another origin and no
// frame. Edits go through the engine's API: validated, persisted, and
// carried to the other replicas as any other edit; a refused one shows
// the engine's reason.
//
// Mount it under its Prefix (default "/console/"):
//
//	c, err := console.New(console.Config{Engine: engine, Sessions: sessions, LoginURL: "/login"})
//
//	mux.Handle("/console/", c)                                     // net/http
//	router.Any("/console/*path", gin.WrapH(c))                     // Gin
//	app.All("/console/*", adaptor.HTTPHandler(c))                  // Fiber v3 (middleware/adaptor)
//
// The console authenticates by itself, from the session cookie: leave
// its prefix out of the application's own authentication middleware
// (guard.Config.PublicPaths), or let that middleware pass it through.
package console
