package memstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn/users"
	"github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

// Accounts kept in the process's memory: for tests, and for applications
// of one process whose accounts need not outlive it.
func ExampleNew() {
	ctx := context.Background()
	directory, err := users.New(memstore.New(), users.Config{})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := directory.Register(ctx, "Bob@Example.com", "correct horse battery staple", "Bob"); err != nil {
		log.Fatal(err)
	}
	u, err := directory.Authenticate(ctx, "bob@example.com", "correct horse battery staple")
	fmt.Println(u.Email, err)
	// Output: bob@example.com <nil>
}
