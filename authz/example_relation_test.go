package authz_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/gatehouse-go/gatehouse/authz"
)

// A relation shares one resource: carol becomes an editor of post 42 and
// of no other post. The editor role's grants apply to her requests about
// that post alone.
func ExampleEngine_AddRelation() {
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithPolicy(`
p, editor, posts:read, any, allow
p, editor, posts:update, any, allow
`))
	if err != nil {
		log.Fatal(err)
	}
	if err := engine.AddRelation(ctx, authz.Relation{Subject: "carol", Role: "editor", Resource: "posts:42"}); err != nil {
		log.Fatal(err)
	}
	for _, id := range []string{"42", "43"} {
		d, _ := engine.Decide(ctx, authz.Request{Subject: "carol", Permission: "posts:update", Resource: authz.Resource{ID: id}})
		fmt.Println(id, d.Allowed, d.Relation)
	}
	// Output:
	// 42 true g2, carol, editor, posts:42
	// 43 false g2, , ,
}

// A relation given to a group on a folder reaches every member of the
// group and every document inside the folder.
func ExampleEngine_SetParent() {
	ctx := context.Background()
	engine, _ := authz.New(ctx, authz.WithPolicy(`
p, viewer, docs:read, any, allow
g, dan, red
g2, red, viewer, folders:7
`))
	_ = engine.SetParent(ctx, "docs:9", "folders:7")
	d, _ := engine.Decide(ctx, authz.Request{Subject: "dan", Permission: "docs:read", Resource: authz.Resource{ID: "9"}})
	fmt.Println(d.Reason())
	// Output: allowed by rule "p, viewer, docs:read, any, allow" through relation "g2, red, viewer, folders:7" ("docs:9" is inside "folders:7")
}

// A relation, a grant or a role assignment may expire: decisions compare
// its expiry with the engine's clock, here set by hand.
func ExampleWithClock() {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	engine, _ := authz.New(ctx, authz.WithClock(func() time.Time { return now }))
	_ = engine.AssignRoleUntil(ctx, "auditor", "moderator", now.Add(48*time.Hour))

	read := authz.Request{Subject: "auditor", Permission: "users:read"}
	d, _ := engine.Decide(ctx, read)
	fmt.Println(d.Allowed)
	now = now.Add(72 * time.Hour)
	d, _ = engine.Decide(ctx, read)
	fmt.Println(d.Allowed)
	swept, _ := engine.SweepExpired(ctx)
	fmt.Println(swept)
	// Output:
	// true
	// false
	// 1
}

// WhoCan answers who may do something to one resource, and why.
func ExampleEngine_WhoCan() {
	ctx := context.Background()
	engine, _ := authz.New(ctx) // the default policy: users, moderators, admins
	_ = engine.AddGrant(ctx, authz.Grant{Subject: "editor", Permission: "posts:update", Scope: "any"})
	_ = engine.AssignRole(ctx, "alice", "admin")
	_ = engine.AssignRole(ctx, "bob", "user")
	_ = engine.AddRelation(ctx, authz.Relation{Subject: "carol", Role: "editor", Resource: "posts:42"})

	who, _ := engine.WhoCan(ctx, "posts:update", authz.Resource{ID: "42", Owner: "bob"})
	for _, a := range who {
		fmt.Println(a.Kind, a.Subject)
	}
	// Output:
	// owner bob
	// relation carol
	// role admin
	// role editor
}

// A list filter admits the posts shared with the subject by id, in one
// condition.
func ExampleListFilter_WhereShared() {
	ctx := context.Background()
	engine, _ := authz.New(ctx)
	_ = engine.AddGrant(ctx, authz.Grant{Subject: "editor", Permission: "posts:update", Scope: "any"})
	_ = engine.AssignRole(ctx, "carol", "user")
	_ = engine.AddRelation(ctx, authz.Relation{Subject: "carol", Role: "editor", Resource: "posts:42"})

	filter, _ := engine.Filter(ctx, "carol", "posts:update")
	where, args, _ := filter.WhereShared("author_id", "id")
	fmt.Println(where, args)
	// Output: (author_id = ? OR id IN ?) [carol [42]]
}
