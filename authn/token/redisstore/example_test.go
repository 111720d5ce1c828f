package redisstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/authn"
	"github.com/gatehouse-go/gatehouse/authn/token"
	"github.com/gatehouse-go/gatehouse/authn/token/redisstore"
)

// Two processes sharing a Redis server share its revocations: a logout on
// one holds on the other at once, with nothing to follow or reload. (The
// example needs a server, so it is compiled, not run.)
func ExampleNew() {
	ctx := context.Background()
	opts, err := redis.ParseURL(os.Getenv("REDIS_URL")) // redis://host:6379/0
	if err != nil {
		log.Fatal(err)
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	key, _ := token.HS256("hs-1", secret)
	// Each process has its own client; one client serves all its stores.
	var issuers []*token.Issuer
	var lists []*redisstore.Store
	for range 2 {
		client := redis.NewClient(opts)
		defer client.Close()
		revocations, err := redisstore.New(client, redisstore.Config{})
		if err != nil {
			log.Fatal(err)
		}
		issuer, err := token.New(token.Config{Issuer: "https://auth.example.com", Keys: []token.Key{key}, Revocations: revocations})
		if err != nil {
			log.Fatal(err)
		}
		issuers, lists = append(issuers, issuer), append(lists, revocations)
	}

	tok, err := issuers[0].Issue(ctx, "user-42")
	if err != nil {
		log.Fatal(err)
	}
	if err := lists[0].RevokeSubject(ctx, "user-42"); err != nil {
		log.Fatal(err)
	}
	_, err = issuers[1].Verify(ctx, tok.Value.Reveal())
	fmt.Println(errors.Is(err, authn.ErrTokenRevoked))
}
