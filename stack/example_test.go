package stack_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/stack"
)

// Example builds the whole stack in memory (give it Config.DB to keep
// everything in a database), mounts the account API on net/http beside a
// route of the application's own, and walks through a registration, a
// login and a runtime grant.
func Example() {
	ctx := context.Background()
	auth, err := stack.New(ctx, stack.Config{Secret: []byte("at least 32 random bytes, from a vault")})
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()

	mw, err := httpadapter.New(httpadapter.Config{Guard: auth.Guard()})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mw.Mount(mux, auth.Routes()...)
	mux.Handle("GET /admin/users", mw.RequirePermission(permissions.UsersRead)(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "the users") })))
	server := httptest.NewServer(mw.Authenticate(mux))
	defer server.Close()

	post := func(path, body string) string {
		resp, err := http.Post(server.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		fmt.Println("POST", path, resp.Status)
		return string(b)
	}
	get := func(path, token string) {
		req, _ := http.NewRequest("GET", server.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("GET", path, resp.Status)
	}

	post("/auth/register", `{"email":"dan@example.com","password":"dan's long password","name":"Dan"}`)
	pair := post("/auth/login", `{"email":"dan@example.com","password":"dan's long password"}`)
	token := strings.Split(strings.Split(pair, `"access_token":"`)[1], `"`)[0]
	get("/admin/users", token)

	dan, _ := auth.Users.GetByEmail(ctx, "dan@example.com")
	if err := auth.Engine.AssignRole(ctx, dan.ID, "moderator"); err != nil {
		log.Fatal(err)
	}
	get("/admin/users", token)
	// Output:
	// POST /auth/register 201 Created
	// POST /auth/login 200 OK
	// GET /admin/users 403 Forbidden
	// GET /admin/users 200 OK
}

// ExampleStack_EnsureUser seeds an application's first administrator: on
// the first start the account is made, on later ones it is left as it is.
func ExampleStack_EnsureUser() {
	ctx := context.Background()
	auth, err := stack.New(ctx, stack.Config{Secret: []byte("at least 32 random bytes, from a vault")})
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	for range 2 {
		admin, err := auth.EnsureUser(ctx, "admin@example.com", "the administrator's passphrase", "Admin", "admin")
		if err != nil {
			log.Fatal(err)
		}
		roles, _ := auth.Engine.Roles(ctx, admin.ID)
		fmt.Println(admin.Email, roles)
	}
	// Output:
	// admin@example.com [admin moderator user]
	// admin@example.com [admin moderator user]
}
