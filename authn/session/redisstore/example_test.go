package redisstore_test

import (
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/authn/session"
	"github.com/gatehouse-go/gatehouse/authn/session/redisstore"
)

// Sessions kept in Redis, on the application's one client, under a prefix
// of the application's own: every replica using the same server and
// prefix shares them, and Redis expires them by itself.
func ExampleNew() {
	opts, err := redis.ParseURL("redis://127.0.0.1:6379/0")
	if err != nil {
		log.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()

	store, err := redisstore.New(client, redisstore.WithPrefix("blog:session:"))
	if err != nil {
		log.Fatal(err)
	}
	sessions, err := session.New(store, session.Config{})
	if err != nil {
		log.Fatal(err)
	}
	_ = sessions // sessions.Create at login, sessions.Authenticate on every request
}
