package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/identity"
	"github.com/gatehouse-go/gatehouse/authn/identity/memstore"
)

// Links kept in the process's memory: for tests, and for applications of
// one process whose links need not outlive it.
func ExampleNew() {
	ctx := context.Background()
	store := memstore.New()
	link := identity.Link{
		Issuer:    "https://accounts.example.com",
		Subject:   "248289761001",
		UserID:    "usr_0123456789abcdef0123456789abcdef",
		CreatedAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC),
	}
	if err := store.Create(ctx, link); err != nil {
		log.Fatal(err)
	}

	// The identity is linked once: another user cannot claim it.
	claim := link
	claim.UserID = "usr_fedcba9876543210fedcba9876543210"
	err := store.Create(ctx, claim)
	fmt.Println(errors.Is(err, identity.ErrLinked))

	got, found, err := store.Find(ctx, "https://accounts.example.com", "248289761001")
	fmt.Println(got.UserID, found, err)
	// Output:
	// true
	// usr_0123456789abcdef0123456789abcdef true <nil>
}
