package memstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/memstore"
)

// An Issuer whose revocations live in the process's memory: a logout
// holds at once, and until the process ends.
func ExampleNew() {
	ctx := context.Background()
	revocations := memstore.New(memstore.Config{})
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	issuer, err := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Revocations: revocations})
	if err != nil {
		log.Fatal(err)
	}

	tok, _ := issuer.Issue(ctx, "user-42")
	if err := revocations.RevokeToken(ctx, tok.ID, tok.Subject, tok.ExpiresAt); err != nil {
		log.Fatal(err)
	}
	_, err = issuer.Verify(ctx, tok.Value.Reveal())
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
	// Output:
	// true
}
