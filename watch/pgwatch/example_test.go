package pgwatch_test

import (
	"context"
	"log"

	"github.com/gatehouse-go/gatehouse/watch"
	"github.com/gatehouse-go/gatehouse/watch/pgwatch"
)

// A replica follows its peers' changes through the PostgreSQL database
// they share: the Follower reloads the state after every (re)connection and
// applies each message in between.
func ExampleNew() {
	ctx := context.Background()
	n, err := pgwatch.New(ctx, "postgres://app@db.internal:5432/app?sslmode=verify-full", pgwatch.Config{})
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

// replicaState stands for what a replica keeps in memory, such as an
// authz.Engine's policy.
type replicaState struct{}

func (replicaState) Apply(ctx context.Context, payload string) error { return nil }
func (replicaState) Reload(ctx context.Context) error                { return nil }
func (replicaState) Check(ctx context.Context) (bool, error)         { return true, nil }
