package memstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn/authntest"
	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/memstore"
)

// Sessions kept in the process's memory: for tests, and for applications
// of one process, whose users log in again after a restart.
func ExampleNew() {
	ctx := context.Background()
	sessions, err := session.New(memstore.New(), session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	s, err := sessions.Create(ctx, "user-42", "")
	if err != nil {
		log.Fatal(err)
	}
	who, err := sessions.Authenticate(ctx, authntest.Request{Cookies: map[string]string{sessions.CookieName(): s.Token.Reveal()}})
	fmt.Println(who.ID, err)
	// Output: user-42 <nil>
}
