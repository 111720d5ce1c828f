package recovery_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/recovery"
	"github.com/gatehouse-go/gatehouse/authn/recovery/memstore"
)

// A user sets up a second factor and writes down the codes; later, with
// the device lost, one of them lets the user in, once.
func Example() {
	ctx := context.Background()
	codes, err := recovery.New(memstore.New(), recovery.Config{}) // gormstore.New(ctx, db) to share them
	if err != nil {
		log.Fatal(err)
	}
	const userID = "usr_0123456789abcdef0123456789abcdef"

	// With the second factor: shown once, kept only as digests.
	list, err := codes.Generate(ctx, userID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(list), list[0]) // a Secret prints redacted

	// At login, after the password, without the device: typed by hand.
	typed := strings.ToUpper(strings.ReplaceAll(list[0].Reveal(), "-", " "))
	fmt.Println(codes.Use(ctx, userID, typed))

	// The same code again is refused, as any wrong code is.
	err = codes.Use(ctx, userID, list[0].Reveal())
	fmt.Println(errors.Is(err, recovery.ErrInvalidCode), errors.Is(err, authn.ErrInvalidCredentials))

	left, err := codes.Remaining(ctx, userID)
	fmt.Println(left, err)
	// Output:
	// 10 [REDACTED]
	// <nil>
	// true true
	// 9 <nil>
}
