package ginadapter_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/gin-gonic/gin"

	ginadapter "github.com/gatehouse-go/gatehouse/adapters/gin"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
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

	mw, err := ginadapter.New(ginadapter.Config{Guard: guard.Config{
		Authenticator: tokens.Authenticator(),
		Engine:        engine,
		PublicPaths:   []string{"/healthz"},
	}})
	if err != nil {
		log.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(mw.Authenticate())
	r.GET("/admin/users", mw.RequirePermission(permissions.UsersRead), func(c *gin.Context) {
		s, _ := ginadapter.SubjectFrom(c)
		c.String(http.StatusOK, "users, for %s", s.ID)
	})

	carol, _ := tokens.Issue(ctx, "carol")
	bob, _ := tokens.Issue(ctx, "bob")
	for _, auth := range []string{"", "Bearer " + bob.Value.Reveal(), "Bearer " + carol.Value.Reveal()} {
		req := httptest.NewRequest("GET", "/admin/users", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// Output:
	// 401 {"error":"unauthorized","message":"authentication required"}
	// 403 {"error":"forbidden","message":"you may not users:read"}
	// 200 users, for carol
}
