package memstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn/refresh"
	"github.com/gatehouse-go/gatehouse/authn/refresh/memstore"
)

// Refresh tokens kept in memory, for tests and applications of one
// process.
func ExampleNew() {
	store := memstore.New()
	refreshes, err := refresh.New(store, refresh.Config{})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	first, err := refreshes.Issue(ctx, "user-42")
	if err != nil {
		log.Fatal(err)
	}
	next, err := refreshes.Rotate(ctx, first.Value.Reveal())
	fmt.Println(next.Subject, err, store.Len())
	// Output: user-42 <nil> 2
}
