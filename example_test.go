package gatehouse_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Embedding gatehouse: the README shows this function, and go test keeps it
// compiling and its output true.
func Example() {
	ctx := context.Background()
	engine, err := authz.New(ctx) // embedded model.conf and policy.csv, in memory
	if err != nil {
		log.Fatal(err)
	}
	_ = engine.AssignRole(ctx, "bob", "user")
	_ = engine.AssignRole(ctx, "carol", "moderator")

	post := authz.Resource{Type: "posts", ID: "42", Owner: "bob"}
	for _, who := range []string{"bob", "carol", "mallory"} {
		d, err := engine.Decide(ctx, authz.Request{Subject: who, Permission: permissions.PostsDelete, Resource: post})
		fmt.Println(who, d.Allowed, d.Reason(), err)
	}
	// Output:
	// bob true allowed by rule "p, user, posts:delete, own, allow" <nil>
	// carol true allowed by rule "p, moderator, posts:delete, any, allow" <nil>
	// mallory false denied: no rule grants "posts:delete" to "mallory" on resource "42" owned by "bob" <nil>
}
