package identity_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/identity"
	identitymem "github.com/gatehouse-go/gatehouse/authn/identity/memstore"
	"github.com/gatehouse-go/gatehouse/authn/users"
	usersmem "github.com/gatehouse-go/gatehouse/authn/users/memstore"
)

// Users created on first sight, for an application whose users sign in at
// an OpenID provider: the first sign-in of an identity makes a local user,
// and every later one finds it.
func ExampleLinker_LinkIdentity() {
	ctx := context.Background()
	directory, err := users.New(usersmem.New(), users.Config{})
	if err != nil {
		log.Fatal(err)
	}
	linker, err := identity.New(identity.Config{Store: identitymem.New(), Users: directory, Create: true})
	if err != nil {
		log.Fatal(err)
	}
	alice := authn.ExternalIdentity{
		Provider:      "google",
		Issuer:        "https://accounts.google.com",
		Subject:       "110169484474386276334",
		Email:         "alice@example.com",
		EmailVerified: true,
		Name:          "Alice",
	}

	first, err := linker.LinkIdentity(ctx, alice)
	if err != nil {
		log.Fatal(err)
	}
	again, err := linker.LinkIdentity(ctx, alice)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(users.IsID(first), again == first)

	u, err := directory.Get(ctx, first)
	if err != nil {
		log.Fatal(err)
	}
	n, err := directory.Count(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(u.Email, u.Verified(), u.Name, n)
	// Output:
	// true true
	// alice@example.com true Alice 1
}
