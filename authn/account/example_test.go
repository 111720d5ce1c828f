package account_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/account"
	"github.com/gatehouse-go/gatehouse/authn/apikey"
	apikeymem "github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/refresh"
	refreshmem "github.com/gatehouse-go/gatehouse/authn/refresh/memstore"
	"github.com/gatehouse-go/gatehouse/authn/session"
	sessionmem "github.com/gatehouse-go/gatehouse/authn/session/memstore"
	"github.com/gatehouse-go/gatehouse/authn/throttle"
	throttlemem "github.com/gatehouse-go/gatehouse/authn/throttle/memstore"
	"github.com/gatehouse-go/gatehouse/authn/token"
	tokenmem "github.com/gatehouse-go/gatehouse/authn/token/memstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	usersmem "github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

// exampleService builds a Service whose every part keeps its records in
// the memory of this process, as a test or a single-process application
// may. An application sharing a database gives each part its gormstore
// (or, for the short-lived records, its redisstore) instead; package stack
// wires all of it from one database. It returns the Config too, whose parts
// the examples call directly.
func exampleService() (*account.Service, account.Config) {
	directory, err := users.New(usersmem.New(), users.Config{}) // Argon2id
	if err != nil {
		log.Fatal(err)
	}
	revocations := tokenmem.New(tokenmem.Config{})
	key, err := token.HS256("2030-01", []byte("an example signing key of 32 bytes or more"))
	if err != nil {
		log.Fatal(err)
	}
	tokens, err := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Revocations: revocations})
	if err != nil {
		log.Fatal(err)
	}
	refreshes, err := refresh.New(refreshmem.New(), refresh.Config{})
	if err != nil {
		log.Fatal(err)
	}
	limiter, err := throttle.New(throttlemem.New(), throttle.Config{})
	if err != nil {
		log.Fatal(err)
	}
	keys, err := apikey.New(apikeymem.New(), apikey.Config{})
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := session.New(sessionmem.New(), session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	cfg := account.Config{
		Users:       directory,
		Tokens:      tokens,
		Revocations: revocations, // the same as the Issuer's, so a logout is what verification consults
		Refresh:     refreshes,
		Throttle:    limiter,
		APIKeys:     keys,     // optional: X-API-Key requests
		Sessions:    sessions, // optional: cookie sessions
	}
	svc, err := account.New(cfg)
	if err != nil {
		log.Fatal(err)
	}
	return svc, cfg
}

// Register a user, log in with email and password, and authenticate the
// next request by the access token the login issued. The client keeps the
// refresh token to get the next pair when the access token expires.
func ExampleService_Login() {
	ctx := context.Background()
	accounts, parts := exampleService()
	bob, err := parts.Users.Register(ctx, "bob@example.com", "correct horse battery staple", "Bob")
	if err != nil {
		log.Fatal(err)
	}

	// address is the client's IP, which throttling counts by:
	// r.RemoteAddr, or guard.ClientAddress behind a proxy.
	pair, err := accounts.Login(ctx, "bob@example.com", "correct horse battery staple", "192.0.2.1:40000")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(pair.TokenType, pair.ExpiresIn, pair.AccessToken, pair.RefreshToken) // Secrets print redacted

	// The next request: "Authorization: Bearer <access token>".
	who, err := accounts.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(who.ID == bob.ID, who.Method)

	// A wrong password and an unknown email fail alike.
	_, wrong := accounts.Login(ctx, "bob@example.com", "Tr0ub4dor&3", "192.0.2.1:40001")
	_, unknown := accounts.Login(ctx, "eve@example.com", "Tr0ub4dor&3", "192.0.2.1:40002")
	fmt.Println(errors.Is(wrong, authn.ErrInvalidCredentials), wrong.Error() == unknown.Error())

	// Logout kills the access token of the request and the refresh family.
	if err := accounts.Logout(ctx, who, pair.RefreshToken.Reveal()); err != nil {
		log.Fatal(err)
	}
	_, err = accounts.Authenticator().Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
	_, err = accounts.Refresh(ctx, pair.RefreshToken.Reveal())
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
	// Output:
	// Bearer 15m0s [REDACTED] [REDACTED]
	// true bearer
	// true true
	// true
	// true
}

// The Authenticator is the chain a guard puts in front of the routes: a
// bearer token, an API key in X-API-Key, or a session cookie, whichever the
// request carries. Each names the same user, by a different Method.
func ExampleService_Authenticator() {
	ctx := context.Background()
	accounts, parts := exampleService()
	if _, err := parts.Users.Register(ctx, "bob@example.com", "correct horse battery staple", "Bob"); err != nil {
		log.Fatal(err)
	}
	chain := accounts.Authenticator()

	pair, err := accounts.Login(ctx, "bob@example.com", "correct horse battery staple", "192.0.2.1")
	if err != nil {
		log.Fatal(err)
	}
	byToken, err := chain.Authenticate(ctx, authntest.Bearer(pair.AccessToken.Reveal()))
	fmt.Println(byToken.Method, err)

	// An API key for a script, created by a caller who logged in recently.
	_, apiKey, err := parts.APIKeys.CreateFor(ctx, byToken, "backup script", nil)
	if err != nil {
		log.Fatal(err)
	}
	byKey, err := chain.Authenticate(ctx, authntest.Request{Headers: map[string]string{apikey.DefaultHeader: apiKey.Reveal()}})
	fmt.Println(byKey.Method, byKey.ID == byToken.ID, err)

	// A browser's login sets a cookie instead of returning tokens.
	s, err := accounts.StartSession(ctx, "bob@example.com", "correct horse battery staple", "192.0.2.1", "")
	if err != nil {
		log.Fatal(err)
	}
	byCookie, err := chain.Authenticate(ctx, authntest.Request{Cookies: map[string]string{parts.Sessions.CookieName(): s.Token.Reveal()}})
	fmt.Println(byCookie.Method, byCookie.ID == byToken.ID, err)

	// No credential at all, and a bad one, which is never passed over.
	_, err = chain.Authenticate(ctx, authntest.Request{})
	fmt.Println(errors.Is(err, authn.ErrNoCredentials))
	_, err = chain.Authenticate(ctx, authntest.Bearer("not-a-token"))
	fmt.Println(errors.Is(err, authn.ErrInvalidToken))
	// Output:
	// bearer <nil>
	// api_key true <nil>
	// session true <nil>
	// true
	// true
}
