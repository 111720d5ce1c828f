package memstore_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/memstore"
)

// Codes kept in the process's memory: for tests, and for applications of
// one process whose codes need not outlive it.
func ExampleNew() {
	ctx := context.Background()
	codes, err := recovery.New(memstore.New(), recovery.Config{})
	if err != nil {
		log.Fatal(err)
	}
	list, err := codes.Generate(ctx, "usr_0123456789abcdef0123456789abcdef")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(list), codes.Use(ctx, "usr_0123456789abcdef0123456789abcdef", list[0].Reveal()))
	n, err := codes.Remaining(ctx, "usr_0123456789abcdef0123456789abcdef")
	fmt.Println(n, err)
	// Output:
	// 10 <nil>
	// 9 <nil>
}
