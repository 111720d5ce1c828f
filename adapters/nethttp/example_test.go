package httpadapter_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
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

	mw, err := httpadapter.New(httpadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		PublicPaths:   []string{"/healthz"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	mux.Handle("GET /admin/users", mw.RequirePermission(permissions.UsersRead)(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			s, _ := httpadapter.SubjectFrom(r.Context())
			fmt.Fprintf(w, "users, for %s", s.ID)
		})))
	app := mw.Authenticate(mux)

	carol, _ := tokens.Issue(ctx, "carol")
	bob, _ := tokens.Issue(ctx, "bob")
	for _, auth := range []string{"", "Bearer " + bob.Value.Reveal(), "Bearer " + carol.Value.Reveal()} {
		req := httptest.NewRequest("GET", "/admin/users", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// Output:
	// 401 {"error":"unauthorized","message":"authentication required"}
	// 403 {"error":"forbidden","message":"you may not users:read"}
	// 200 users, for carol
}
