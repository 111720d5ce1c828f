// Package stack builds gatehouse's whole authentication and authorization
// stack from one database and a signing secret: the policy engine, users,
// access tokens and their revocations, refresh families, the login
// throttle, API keys, cookie sessions, the account flows and their HTTP
// API, each with safe defaults and each replaceable.
//
// To embed gatehouse in an application, open the database, build the
// stack, and put its guard in front of the routes:
//
//	db, err := database.Open("sqlite:app.db")
//	auth, err := stack.New(ctx, stack.Config{DB: db, Secret: secret})
//	defer auth.Close()
//	mw, err := httpadapter.New(httpadapter.Config{Guard: auth.Guard()})
//	mux := http.NewServeMux()
//	mw.Mount(mux, auth.Routes()...) // /auth/login, /auth/refresh, /me, /api-keys, …
//	mux.Handle("GET /reports", mw.RequirePermission("reports:read")(reports))
//	http.ListenAndServe(addr, mw.Authenticate(mux))
//
// Where things are kept: with Config.DB, everything in that database's
// tables, created on first start (safely when replicas start together);
// with Config.Redis too, the hot short-lived records — sessions,
// failed-login counts, revoked access tokens — in Redis, where they expire
// by themselves; with neither, everything in memory, which suits tests and
// a single process that may forget on restart. Any store given in
// Config.Stores replaces the default one. A stack that links no database
// is written by hand from the packages under authn and authz: this
// package links GORM, the GORM stores and the Redis client.
package stack
