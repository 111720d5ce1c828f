package memstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn/apikey"
	"github.com/gatehouse-go/gatehouse/authn/apikey/memstore"
)

// API keys kept in memory, for tests and applications of one process.
func ExampleNew() {
	store := memstore.New()
	keys, err := apikey.New(store, apikey.Config{})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	_, secret, err := keys.Create(ctx, "user-42", "laptop", nil)
	if err != nil {
		log.Fatal(err)
	}
	subject, err := keys.Verify(ctx, secret.Reveal())
	fmt.Println(subject.ID, err, store.Len())
	// Output: user-42 <nil> 1
}
