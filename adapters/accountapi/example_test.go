package accountapi_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/adapters/accountapi"
	"github.com/gatehouse-go/gatehouse/adapters/guard"
	httpadapter "github.com/gatehouse-go/gatehouse/adapters/nethttp"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	refreshmem "github.com/gatehouse-go/gatehouse/authn/refresh/memstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	throttlemem "github.com/gatehouse-go/gatehouse/authn/throttle/memstore"
	"github.com/gatehouse-go/gatehouse/authn/token"
	tokenmem "github.com/gatehouse-go/gatehouse/authn/token/memstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	usersmem "github.com/gatehouse-go/gatehouse/authn/users/memstore"
	"github.com/gatehouse-go/gatehouse/authz"
)

// ExampleNew builds the API from parts of one's own choosing — here
// without API keys or cookie sessions, so their routes are left out — and
// configures the guard with its public routes. Package stack does all of
// this in one call.
func ExampleNew() {
	ctx := context.Background()
	must := func(err error) {
		if err != nil {
			log.Fatal(err)
		}
	}
	engine, err := authz.New(ctx)
	must(err)
	directory, err := users.New(usersmem.New(), users.Config{})
	must(err)
	key, err := token.HS256("k1", []byte("at least 32 random bytes, from a vault"))
	must(err)
	revocations := tokenmem.New(tokenmem.Config{})
	tokens, err := token.New(token.Config{Issuer: "app", Keys: []token.Key{key}, Revocations: revocations})
	must(err)
	refreshes, err := refresh.New(refreshmem.New(), refresh.Config{})
	must(err)
	limiter, err := throttle.New(throttlemem.New(), throttle.Config{})
	must(err)
	accounts, err := account.New(account.Config{Users: directory, Tokens: tokens, Revocations: revocations,
		Refresh: refreshes, Throttle: limiter})
	must(err)

	api, err := accountapi.New(accountapi.Config{Accounts: accounts, Users: directory, Engine: engine})
	must(err)
	_, err = httpadapter.New(httpadapter.Config{Guard: guard.Config{
		Authenticator: accounts.Authenticator(), Engine: engine, PublicPaths: api.PublicPaths(), IsSubject: users.IsID,
	}})
	must(err)
	for _, r := range api.Routes() {
		fmt.Println(r.Pattern(), r.Public)
	}
	// Output:
	// POST /auth/register true
	// POST /auth/login true
	// POST /auth/refresh true
	// POST /auth/logout false
	// GET /me false
	// POST /me/password false
}
