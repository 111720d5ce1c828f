package memstore_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-go/gatehouse/authn/totp"
	"github.com/gatehouse-go/gatehouse/authn/totp/memstore"
)

var testTime = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// Second factors kept in memory: for tests, and applications of one
// process that accept losing them on a restart.
func ExampleNew() {
	key := make([]byte, totp.KeySize)
	if _, err := rand.Read(key); err != nil {
		log.Fatal(err)
	}
	store := memstore.New()
	mfa, err := totp.New(store, totp.Config{Issuer: "Example", Key: key})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	if _, err := mfa.Enroll(ctx, "usr_42", "alice@example.com"); err != nil {
		log.Fatal(err)
	}
	enabled, err := mfa.Enabled(ctx, "usr_42")
	fmt.Println(store.Len(), enabled, err)
	// Output: 1 false <nil>
}
