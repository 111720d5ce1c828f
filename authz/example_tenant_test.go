package authz_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gatehouse-go/gatehouse"
	"github.com/gatehouse-go/gatehouse/authz"
	"github.com/gatehouse-go/gatehouse/permissions"
)

// Under the model with tenants, roles are held per tenant. The roles'
// grants are written once for every tenant ("*"); alice is an admin of
// acme, which makes her one in acme/eu below it too, and a viewer of
// globex; ops operates every tenant.
func ExampleEngine_Tenant() {
	ctx := context.Background()
	engine, err := authz.New(ctx, authz.WithModel(gatehouse.TenantModel()), authz.WithPolicy(`
p, admin, *, users:*, any, allow
p, viewer, *, posts:read, any, allow
p, operator, *, billing:read, any, allow
g, ops, operator, *
`))
	if err != nil {
		log.Fatal(err)
	}
	acme := engine.Tenant("acme")
	if err := acme.AssignRole(ctx, "alice", "admin"); err != nil {
		log.Fatal(err)
	}
	if err := engine.Tenant("globex").AssignRole(ctx, "alice", "viewer"); err != nil {
		log.Fatal(err)
	}

	for _, tenant := range []string{"acme", "acme/eu", "globex"} {
		d, err := engine.Tenant(tenant).Decide(ctx, authz.Request{Subject: "alice", Permission: permissions.UsersDelete})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s\n", tenant, d.Reason())
	}
	member, _ := engine.Tenant("initech").IsMember(ctx, "ops")
	tenants, _ := engine.Tenants(ctx, "alice")
	fmt.Println("ops is a member of initech:", member)
	fmt.Println("alice's tenants:", tenants)
	// Output:
	// acme: allowed by rule "p, admin, *, users:*, any, allow"
	// acme/eu: allowed by rule "p, admin, *, users:*, any, allow"
	// globex: denied: no rule grants "users:delete" to "alice" in tenant "globex"
	// ops is a member of initech: true
	// alice's tenants: [acme globex]
}
