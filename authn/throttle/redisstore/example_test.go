package redisstore_test

import (
	"context"
	"log"
	"os"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/authn/throttle"
	"github.com/gatehouse-go/gatehouse/authn/throttle/redisstore"
)

// A Limiter whose counts live in Redis, shared by every replica that uses
// it. The application opens the client, and may share it with its other
// uses of Redis; the store only borrows it.
func Example() {
	opts, err := redis.ParseURL(os.Getenv("REDIS_URL")) // redis://cache:6379/0
	if err != nil {
		log.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()

	store, err := redisstore.New(client, redisstore.Config{Prefix: "myapp:throttle:"})
	if err != nil {
		log.Fatal(err)
	}
	limiter, err := throttle.New(store, throttle.Config{})
	if err != nil {
		log.Fatal(err)
	}
	attempt, err := limiter.Reserve(context.Background(), "alice@example.com", "192.0.2.1:40000")
	if err != nil {
		log.Fatal(err) // throttled (429), or Redis did not answer (503)
	}
	_ = attempt // …check the password, then attempt.Failed or attempt.Succeeded
}
