package rediswatch_test

import (
	"context"
	"log"

	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/rediswatch"
)

// A replica follows its peers' changes through the Redis server they
// share: the Follower reloads the state after every (re)connection and
// applies each message in between.
func ExampleNew() {
	ctx := context.Background()
	n, err := rediswatch.New(ctx, "rediss://default:secret@cache.internal:6379/0", rediswatch.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer n.Close()

	f, err := watch.Follow(ctx, n, replicaState{}, watch.FollowConfig{Channel: "gatehouse-policy"})
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	// Decide nothing while f.Err() is not nil.
}

// An application that already has a Redis client shares it with the
// Notifier, whose Close leaves it open.
func ExampleNewFromClient() {
	client := redis.NewClient(&redis.Options{Addr: "cache.internal:6379"})
	defer client.Close()

	n, err := rediswatch.NewFromClient(context.Background(), client, rediswatch.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer n.Close()
	// Pass n to watch.Follow as in the example of New.
}

// replicaState stands for what a replica keeps in memory, such as an
// authz.Engine's policy.
type replicaState struct{}

func (replicaState) Apply(ctx context.Context, payload string) error { return nil }
func (replicaState) Reload(ctx context.Context) error                { return nil }
func (replicaState) Check(ctx context.Context) (bool, error)         { return true, nil }
