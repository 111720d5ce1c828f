package authz_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
	"github.com/gatehouse-go/gatehouse/watch"
)

// Engines given one store share its policy: each edit is written to the
// store before it returns, and another engine sees it when it reloads, or
// at once with WithNotifier. authz/gormstore keeps the policy in a SQL
// database; a MemoryStore, as here, in memory.
func ExampleWithStore() {
	store, err := authz.NewMemoryStore()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithStore(store)) // seeds the default policy, once
	if err != nil {
		log.Fatal(err)
	}
	if err := engine.AssignRole(ctx, "bob", "moderator"); err != nil { // in the store before it returns
		log.Fatal(err)
	}

	restarted, err := authz.New(ctx, authz.WithStore(store)) // loads the policy, edits and all
	if err != nil {
		log.Fatal(err)
	}
	roles, _ := restarted.Roles(ctx, "bob")
	fmt.Println(roles)
	// Output: [moderator user]
}

// A deny overrides every allow, whichever role grants it.
func ExampleEngine_AddGrant() {
	ctx := context.Background()
	engine, _ := authz.New(ctx)
	_ = engine.AssignRole(ctx, "alice", "admin")

	_ = engine.AddGrant(ctx, authz.Grant{
		Subject: "alice", Permission: permissions.UsersDelete, Scope: permissions.Any, Effect: authz.Deny,
	})
	d, _ := engine.Decide(ctx, authz.Request{Subject: "alice", Permission: permissions.UsersDelete})
	fmt.Println(d.Allowed, d.Reason())
	// Output: false denied by rule "p, alice, users:delete, any, deny"
}

// One query lists what a subject may see, instead of a decision per row.
func ExampleEngine_Filter() {
	ctx := context.Background()
	engine, _ := authz.New(ctx)
	_ = engine.AssignRole(ctx, "bob", "user")
	_ = engine.AssignRole(ctx, "carol", "moderator")

	for _, who := range []string{"bob", "carol", "mallory"} {
		filter, _ := engine.Filter(ctx, who, permissions.PostsRead)
		where, args, _ := filter.Where("posts.author_id")
		fmt.Println(who, filter.Kind, where, args)
	}
	// Output:
	// bob own posts.author_id = ? [bob]
	// carol all 1 = 1 []
	// mallory none 1 = 0 []
}

// Roles and grants can be asked about, after inheritance.
func ExampleEngine_Permissions() {
	ctx := context.Background()
	engine, _ := authz.New(ctx)
	_ = engine.AssignRole(ctx, "carol", "moderator")

	roles, _ := engine.Roles(ctx, "carol")
	grants, _ := engine.Permissions(ctx, "carol")
	fmt.Println(roles)
	for _, g := range grants {
		fmt.Println(g)
	}
	// Output:
	// [moderator user]
	// p, user, posts:read, own, allow
	// p, user, posts:write, any, allow
	// p, user, posts:update, own, allow
	// p, user, posts:delete, own, allow
	// p, user, posts:share, own, allow
	// p, user, posts:audit, own, allow
	// p, moderator, users:read, any, allow
	// p, moderator, posts:read, any, allow
	// p, moderator, posts:delete, any, allow
	// p, moderator, posts:audit, any, allow
}

// Replicas sharing a store follow each other's edits through a notifier:
// pgwatch.New or rediswatch.New across machines, watch.NewLocal within one
// process as here.
func ExampleWithNotifier() {
	store, err := authz.NewMemoryStore() // gormstore.New(ctx, db) across machines
	if err != nil {
		log.Fatal(err)
	}
	notifier := watch.NewLocal()
	defer notifier.Close()

	ctx := context.Background()
	replica := func() *authz.Engine {
		e, err := authz.New(ctx, authz.WithStore(store), authz.WithNotifier(notifier))
		if err != nil {
			log.Fatal(err)
		}
		return e
	}
	a, b := replica(), replica()
	defer a.Close()
	defer b.Close()

	if err := a.AssignRole(ctx, "bob", "admin"); err != nil {
		log.Fatal(err)
	}
	for { // the edit reaches b within milliseconds
		d, err := b.Decide(ctx, authz.Request{Subject: "bob", Permission: "users:delete"})
		if err == nil && d.Allowed {
			fmt.Println(d.Reason())
			break
		}
		time.Sleep(time.Millisecond)
	}
	// Output: allowed by rule "p, admin, users:*, any, allow"
}
