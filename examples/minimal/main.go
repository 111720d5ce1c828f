// Command minimal is the README's application: a small net/http API with
// JWT login, a permission route, an ownership route and a runtime grant,
// kept in a SQLite file.
package main

import (
	"context"
	"log"
	"net/http"
	"os"
	"sync"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/database"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/stack"
)

func main() {
	app, err := newApp(context.Background(), "sqlite:minimal.db")
	if err != nil {
		log.Fatal(err)
	}
	log.Print("listening on http://127.0.0.1:8080")
	log.Fatal(http.ListenAndServe("127.0.0.1:8080", app))
}

func newApp(ctx context.Context, dsn string) (http.Handler, error) {
	db, err := database.Open(dsn) // sqlite:PATH, postgres://… or mysql://…
	if err != nil {
		return nil, err
	}
	auth, err := stack.New(ctx, stack.Config{DB: db, Secret: []byte(os.Getenv("JWT_SECRET"))})
	if err != nil {
		return nil, err
	}
	// The first start makes an administrator; later starts leave it be.
	if _, err := auth.EnsureUser(ctx, "admin@example.com", os.Getenv("ADMIN_PASSWORD"), "Admin", "admin"); err != nil {
		return nil, err
	}
	mw, err := httpadapter.New(httpadapter.Config{Guard: auth.Guard()})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mw.Mount(mux, auth.Routes()...) // POST /auth/register, /auth/login, /auth/refresh, /auth/logout, GET /me, …

	var authors sync.Map // post id → its author's user id
	// A permission route: users hold posts:write.
	mux.Handle("PUT /posts/{id}", mw.RequirePermission(permissions.PostsWrite)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, _ := authn.FromContext(r.Context())
		if _, taken := authors.LoadOrStore(r.PathValue("id"), caller.ID); taken {
			mw.WriteError(w, r, guard.BadRequest("this post exists"))
			return
		}
		w.WriteHeader(http.StatusCreated)
	})))
	// An ownership route: authors delete their own posts, moderators any post.
	loadPost := func(r *http.Request) (guard.Loaded, error) {
		author, ok := authors.Load(r.PathValue("id"))
		if !ok {
			return guard.Loaded{}, guard.ErrNotFound
		}
		return guard.Loaded{Resource: authz.Resource{Type: "posts", ID: r.PathValue("id"), Owner: author.(string)}}, nil
	}
	mux.Handle("DELETE /posts/{id}", mw.RequireOwnership(permissions.PostsDelete, loadPost)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authors.Delete(r.PathValue("id"))
		w.WriteHeader(http.StatusNoContent)
	})))
	// A runtime grant: administrators give roles, in force on the next request.
	mux.Handle("PUT /admin/users/{id}/roles/{role}", mw.RequirePermission(permissions.UsersWrite)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := auth.Engine.AssignRole(r.Context(), r.PathValue("id"), r.PathValue("role")); err != nil {
			mw.WriteError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})))
	return mw.Authenticate(mux), nil
}
